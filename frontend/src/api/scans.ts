// ScanService (scanner hot folder): types and typed calls. Kept apart from
// services.ts so the scan screens evolve without touching the shared file.
import { useApi } from './index'
import type { Transport } from './transport'

export interface ScanPage {
  id: string
  caseId: string // '' = unsorted tray
  slotId: string // material id; '' = not yet sorted
  position: number
  hash: string
  mediaType: string
  size: number
  width?: number
  height?: number
  dpi?: number
  rotate: number // clockwise degrees
  source: string
  sourceIndex: number
  fileName: string
  addedAt: string
}

export interface ScanTarget {
  folderId: string
  caseId: string
  slotId: string
  actor?: string
  setAt?: string
  caseNo?: string
  matterName?: string
  slotName?: string
}

export interface ScanSlot {
  id: string
  name: string
  form?: string
  required: boolean
  pages: number
}

export interface ScanFolder {
  path: string
  error?: string
}

export interface ScanStatus {
  running: boolean
  folders: ScanFolder[]
  diskFull: boolean
  freeBytes?: number
  attached: number
  quarantined: number
  duplicates: number
  lastDuplicate?: string
  message?: string
  lastEventAt?: string
}

export interface QuarantineItem {
  name: string
  fileName: string
  folder?: string
  code: string
  reason: string
  reasonZh: string
  size: number
  quarantinedAt?: string
}

export interface CombinedPdf {
  fileName: string
  path: string
  size: number
  pages: number
  base64?: string
}

export const EVENT_SCAN_PAGES = 'scan:pages'
export const EVENT_SCAN_QUARANTINE = 'scan:quarantine'
export const EVENT_SCAN_STATUS = 'scan:status'

export interface ScanApi {
  status(): Promise<ScanStatus>
  slots(caseId: string): Promise<ScanSlot[]>
  target(folderId: string): Promise<ScanTarget>
  setTarget(folderId: string, caseId: string, slotId: string): Promise<ScanTarget>
  pages(caseId: string): Promise<ScanPage[]>
  reorder(caseId: string, slotId: string, pageIds: string[]): Promise<ScanPage[]>
  rotate(pageId: string, degrees: number): Promise<ScanPage>
  remove(pageId: string): Promise<void>
  move(pageIds: string[], caseId: string, slotId: string): Promise<ScanPage[]>
  combinedPdf(caseId: string, slotId: string): Promise<CombinedPdf>
  quarantine(): Promise<QuarantineItem[]>
  thumbnail(hash: string): Promise<string>
}

export function createScanApi(t: Transport): ScanApi {
  const c =
    <T>(method: string) =>
    (...args: unknown[]) =>
      t.call<T>('ScanService', method, args)
  return {
    status: c<ScanStatus>('Status'),
    slots: c<ScanSlot[]>('Slots'),
    target: c<ScanTarget>('Target'),
    setTarget: c<ScanTarget>('SetTarget'),
    pages: c<ScanPage[]>('Pages'),
    reorder: c<ScanPage[]>('Reorder'),
    rotate: c<ScanPage>('Rotate'),
    remove: c<void>('Delete'),
    move: c<ScanPage[]>('Move'),
    combinedPdf: c<CombinedPdf>('CombinedPDF'),
    quarantine: c<QuarantineItem[]>('Quarantine'),
    thumbnail: c<string>('Thumbnail'),
  }
}

/** useScanApi calls ScanService through the current transport. */
export function useScanApi(): ScanApi {
  return createScanApi(useApi().transport)
}

/** moveInList returns ids with the item at index moved by delta (clamped). */
export function moveInList(ids: string[], index: number, delta: number): string[] {
  const out = [...ids]
  const to = Math.max(0, Math.min(out.length - 1, index + delta))
  if (index < 0 || index >= out.length || to === index) return out
  const [item] = out.splice(index, 1)
  out.splice(to, 0, item)
  return out
}
