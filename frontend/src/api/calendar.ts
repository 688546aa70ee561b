// CalendarService (holiday calendar, issue 3 item 7): types and typed calls.
// Kept apart from services.ts so the shared file stays untouched.
import { useApi } from './index'
import type { Transport } from './transport'

export interface CalendarYear {
  year: number
  source: string
  updatedAt: string
  holidays: number
  workdays: number
}

export interface Holiday {
  day: string // YYYY-MM-DD
  kind: 'holiday' | 'workday'
  name: string
}

export interface CalendarProblem {
  row: number // 0 = the file as a whole
  day?: string
  reason: string
  zh: string
}

export interface CalendarImport {
  year: number
  days: number
  source: string
  problems: CalendarProblem[]
}

export interface CalendarApi {
  years(): Promise<CalendarYear[]>
  days(year: number): Promise<Holiday[]>
  importFile(content: string): Promise<CalendarImport>
}

export function createCalendarApi(t: Transport): CalendarApi {
  return {
    years: () => t.call<CalendarYear[]>('CalendarService', 'Years', []),
    days: (year) => t.call<Holiday[]>('CalendarService', 'Days', [year]),
    importFile: (content) => t.call<CalendarImport>('CalendarService', 'Import', [content]),
  }
}

/** useCalendarApi calls CalendarService through the current transport. */
export function useCalendarApi(): CalendarApi {
  return createCalendarApi(useApi().transport)
}
