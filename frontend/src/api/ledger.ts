// LedgerService (工作台账, its .xlsx export, home alerts): types and typed calls.
import { useApi } from './index'
import type { Transport } from './transport'

export type Period = 'day' | 'week' | 'month' | 'custom'

export interface LedgerQuery {
  period: Period
  anchor?: string // YYYY-MM-DD, a day inside the period (day/week/month)
  from?: string // custom
  to?: string // custom
}

export interface LedgerRow {
  matterCode: string
  matterName: string
  mode: string
  received: number
  accepted: number
  refused: number
  completed: number
  inProgress: number
  overdue: number
  avgHandlingDays: number
  ratings: number
  avgLevel: number
  bad: number
  badShare: number
  followClosed: number
  followPending: number
  followOverdue: number
  voided: number
}

export interface LedgerReport {
  hallCode: string
  hallName: string
  from: string
  to: string
  rows: LedgerRow[] | null
  total: LedgerRow
  generatedAt: string
  millis: number
}

export interface ExportResult {
  path: string
  cases: number
  millis: number
}

export interface AlertCase {
  caseId: string
  caseNo: string
  matterName: string
  status: string
  due: string
  visit?: string
  level?: number
}

export interface Alerts {
  overdue: AlertCase[] | null
  overdueCount: number
  badRatings: AlertCase[] | null
  badRatingsCount: number
  badRatingsLate: number
  parcelsStuck: AlertCase[] | null
  parcelsStuckNote?: string
}

export interface LedgerApi {
  report(q: LedgerQuery): Promise<LedgerReport>
  export(q: LedgerQuery): Promise<ExportResult>
  alerts(): Promise<Alerts>
}

export function createLedgerApi(t: Transport): LedgerApi {
  const c =
    <T>(method: string) =>
    (...args: unknown[]) =>
      t.call<T>('LedgerService', method, args)
  return {
    report: c<LedgerReport>('Report'),
    export: c<ExportResult>('Export'),
    alerts: c<Alerts>('Alerts'),
  }
}

/** useLedgerApi calls LedgerService through the current transport. */
export function useLedgerApi(): LedgerApi {
  return createLedgerApi(useApi().transport)
}

const sumKeys = [
  'received',
  'accepted',
  'refused',
  'completed',
  'inProgress',
  'overdue',
  'ratings',
  'bad',
  'followClosed',
  'followPending',
  'followOverdue',
  'voided',
] as const

/**
 * byMode folds the matter rows into one row per service mode. Averages are
 * weighted: handling days by completed cases, the level by ratings.
 */
export function byMode(rows: LedgerRow[]): LedgerRow[] {
  const m = new Map<string, LedgerRow & { _days: number; _lv: number }>()
  for (const r of rows) {
    let a = m.get(r.mode)
    if (!a) {
      a = { ...r, matterCode: '', matterName: r.mode, _days: 0, _lv: 0 }
      for (const k of sumKeys) a[k] = 0
      m.set(r.mode, a)
    }
    for (const k of sumKeys) a[k] += r[k]
    a._days += r.avgHandlingDays * r.completed
    a._lv += r.avgLevel * r.ratings
  }
  return [...m.values()].map(({ _days, _lv, ...r }) => ({
    ...r,
    avgHandlingDays: r.completed ? _days / r.completed : 0,
    avgLevel: r.ratings ? _lv / r.ratings : 0,
    badShare: r.ratings ? r.bad / r.ratings : 0,
  }))
}
