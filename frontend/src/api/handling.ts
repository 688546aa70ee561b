// HandlingService (办理地收件箱, signing for parcels, decisions, result files;
// the hall's result handover and archiving): types and typed calls (issue 7).
import { useApi } from './index'
import type { Transport } from './transport'
import type { CaseResult, CaseSummary } from './types'

export type InboxStatus = 'waiting' | 'handling' | 'done' | ''
export type TaskStatus = 'dispatched' | 'handling' | 'approved' | 'refused'

export interface InboxItem {
  caseId: string
  provisionalNo: string
  officialNo?: string
  matterName: string
  mode: string
  hallCode: string
  hallName: string
  applicant: string // masked
  idMasked: string
  waybill?: string
  batch?: string
  taskStatus: TaskStatus
  dispatchedAt?: string
  receivedAt?: string
  handledAt?: string
  version?: number // basedOn for the next step
}

export interface DecideInput {
  caseId: string
  basedOn: number
  decision: 'approve' | 'refuse'
  reasons: string[]
  result: string
  resultDelivery: 'electronic' | 'mail'
  returnWaybill: string
  fileName: string
  fileBase64: string
}

export interface RemoteFile {
  sha256: string
  size: number
  name: string
  local: boolean
}

export interface FileData {
  name: string
  mediaType: string
  base64: string
}

export type HandOverMethod = 'counter' | 'mail' | 'electronic'

export interface HandOverInput {
  caseId: string
  basedOn: number
  method: HandOverMethod
  recipient: string
  idNumber: string
  source: 'reader' | 'manual' | ''
  ref: string
}

export interface HandlingApi {
  inbox(status: InboxStatus): Promise<InboxItem[]>
  signByWaybill(waybill: string, caseId: string): Promise<CaseResult>
  receive(caseId: string, basedOn: number): Promise<CaseResult>
  decide(input: DecideInput): Promise<CaseResult>
  materials(caseId: string): Promise<RemoteFile[]>
  file(caseId: string, sha256: string): Promise<FileData>
  signResult(caseId: string, waybill: string): Promise<CaseResult>
  handOver(input: HandOverInput): Promise<CaseResult>
  close(caseId: string, basedOn: number): Promise<CaseResult>
  waiting(): Promise<CaseSummary[]>
}

export function createHandlingApi(t: Transport): HandlingApi {
  const c =
    <T>(method: string) =>
    (...args: unknown[]) =>
      t.call<T>('HandlingService', method, args)
  return {
    inbox: c<InboxItem[]>('Inbox'),
    signByWaybill: c<CaseResult>('SignByWaybill'),
    receive: c<CaseResult>('Receive'),
    decide: c<CaseResult>('Decide'),
    materials: c<RemoteFile[]>('Materials'),
    file: c<FileData>('File'),
    signResult: c<CaseResult>('SignResult'),
    handOver: c<CaseResult>('HandOver'),
    close: c<CaseResult>('Close'),
    waiting: c<CaseSummary[]>('Waiting'),
  }
}

/** useHandlingApi calls HandlingService through the current transport. */
export function useHandlingApi(): HandlingApi {
  return createHandlingApi(useApi().transport)
}

/** blobUrl turns base64 file data into an object URL (the caller revokes it). */
export function blobUrl(f: FileData): string {
  const bin = atob(f.base64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return URL.createObjectURL(new Blob([bytes], { type: f.mediaType || 'application/octet-stream' }))
}

/** fileToBase64 reads a picked file as base64 (no data: prefix). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onerror = () => reject(r.error ?? new Error('read file'))
    r.onload = () => {
      const s = String(r.result ?? '')
      resolve(s.slice(s.indexOf(',') + 1))
    }
    r.readAsDataURL(file)
  })
}

/** isImage / isPdf tell how to show a file. */
export function isImage(f: { mediaType?: string; name?: string }): boolean {
  return (f.mediaType ?? '').startsWith('image/') || /\.(jpe?g|png|gif|webp|bmp|tiff?)$/i.test(f.name ?? '')
}
export function isPdf(f: { mediaType?: string; name?: string }): boolean {
  return f.mediaType === 'application/pdf' || /\.pdf$/i.test(f.name ?? '')
}
