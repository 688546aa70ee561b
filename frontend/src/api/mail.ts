// MailService (寄递批次: waybills, handover manifests, dispatch, courier
// tracking, stuck parcels): types and typed calls (docs/api.md, issue 7).
import { useApi } from './index'
import type { Transport } from './transport'
import type { CaseSummary } from './types'

export type BatchStatus = 'open' | 'dispatched'

/** MailBatch is a mailing batch (交接清单) to one handling place. */
export interface MailBatch {
  id: string
  number: string
  place: string
  placeName: string
  status: BatchStatus
  dispatching?: boolean // dispatch began but some cases are not recorded yet: dispatch again
  courier: string
  demo: boolean
  cases: number
  createdBy: string
  createdAt: string
  dispatchedBy?: string
  dispatchedAt?: string
}

export interface BatchItem {
  caseId: string
  provisionalNo: string
  officialNo?: string
  matterName: string
  applicant: string // masked
  idMasked?: string
  place?: string
  waybill: string
  routeCode?: string
  demo?: boolean
  addedBy?: string
  addedAt: string
  dispatchedAt?: string // the case's dispatch is recorded
  error?: string // why the last dispatch attempt of this case failed (Chinese)
  lastEvent?: string
  lastEventAt?: string
}

export interface BatchDetail {
  batch: MailBatch
  items: BatchItem[] | null
}

/** MailEvent is one courier tracking event. */
export interface MailEvent {
  waybill: string
  direction?: 'out' | 'back'
  at: string
  place: string
  status: string // accepted | in_transit | delivering | delivered | exception
  statusLabel?: string
  note?: string
  demo: boolean
}

export interface StuckParcel {
  caseId: string
  provisionalNo: string
  waybill: string
  direction?: 'out' | 'back'
  place: string
  lastStatus: string
  lastEventAt: string
  hours: number
}

/** A candidate is a case waiting to be mailed, with the places its parcels still have to go to. */
export type Candidate = CaseSummary & { places?: string[]; placeNames?: string[]; place?: string }

export interface MailApi {
  candidates(place: string): Promise<Candidate[]>
  batches(status: BatchStatus | ''): Promise<MailBatch[]>
  openBatch(place: string): Promise<MailBatch>
  batch(id: string): Promise<BatchDetail>
  addCase(batchId: string, caseId: string): Promise<BatchDetail>
  removeCase(batchId: string, caseId: string, reason: string): Promise<BatchDetail>
  dispatch(batchId: string): Promise<BatchDetail>
  tracking(caseId: string): Promise<MailEvent[]>
  refreshTracking(): Promise<number>
  stuck(): Promise<StuckParcel[]>
}

export function createMailApi(t: Transport): MailApi {
  const c =
    <T>(method: string) =>
    (...args: unknown[]) =>
      t.call<T>('MailService', method, args)
  return {
    candidates: c<Candidate[]>('Candidates'),
    batches: c<MailBatch[]>('Batches'),
    openBatch: c<MailBatch>('OpenBatch'),
    batch: c<BatchDetail>('Batch'),
    addCase: c<BatchDetail>('AddCase'),
    removeCase: c<BatchDetail>('RemoveCase'),
    dispatch: c<BatchDetail>('Dispatch'),
    tracking: c<MailEvent[]>('Tracking'),
    refreshTracking: c<number>('RefreshTracking'),
    stuck: c<StuckParcel[]>('Stuck'),
  }
}

/** useMailApi calls MailService through the current transport. */
export function useMailApi(): MailApi {
  return createMailApi(useApi().transport)
}

/** candidatePlaces reads the handling places of a candidate ('' when Go did not say). */
export function candidatePlaces(c: Candidate): string[] {
  if (c.places?.length) return c.places
  const one = c.place
  return one ? [one] : []
}
