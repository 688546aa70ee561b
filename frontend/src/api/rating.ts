// RatingService (好差评 and the follow-up of bad ratings): types and typed
// calls. Kept apart from services.ts so the loop screens evolve on their own.
import { useApi } from './index'
import type { Transport } from './transport'
import type { CaseResult, CaseState } from './types'

export type Visit = 'intake' | 'handover'
export type FollowUpStatus = 'open' | 'called_back' | 'rectified' | 'appealed' | 'closed' | 'voided'
export type FollowUpKind = 'followup_callback' | 'followup_rectified' | 'followup_closed' | 'rating_appealed' | 'appeal_decided'

export interface RatingLevel {
  level: number
  label: string
  bad: boolean
}

export interface RatingOptions {
  levels: RatingLevel[]
  reasons: string[]
  maxComment: number
  followUpWorkingDays: number
}

export interface RatingInput {
  visit: Visit
  level: number
  comment?: string
  reasons?: string[]
  channel?: 'counter' | 'kiosk'
  followUpDue?: string
}

export interface FollowUpStep {
  visit: Visit
  note: string
  contact?: 'phone' | 'visit' | 'sms'
  ground?: 'mistaken' | 'malicious'
  upheld?: boolean
}

export interface FollowUpNote {
  kind: FollowUpKind
  note: string
  by: string
  at: string
  info?: string
}

export interface RatingRecord extends RatingInput {
  actionId: string
  ratedAt: string
  hostedBy: string
  followUp?: FollowUpStatus
  notes?: FollowUpNote[]
  appealedBy?: string
  followClosedAt?: string
}

export interface RatingApi {
  options(): Promise<RatingOptions>
  rate(caseId: string, basedOn: number, input: RatingInput): Promise<CaseResult>
  followUp(caseId: string, basedOn: number, kind: FollowUpKind, step: FollowUpStep): Promise<CaseResult>
}

export function createRatingApi(t: Transport): RatingApi {
  const c =
    <T>(method: string) =>
    (...args: unknown[]) =>
      t.call<T>('RatingService', method, args)
  return {
    options: c<RatingOptions>('Options'),
    rate: c<CaseResult>('Rate'),
    followUp: c<CaseResult>('FollowUp'),
  }
}

/** useRatingApi calls RatingService through the current transport. */
export function useRatingApi(): RatingApi {
  return createRatingApi(useApi().transport)
}

/** ratingsOf reads the ratings folded into a case state (absent when none). */
export function ratingsOf(st: CaseState | null | undefined): RatingRecord[] {
  return ((st as (CaseState & { ratings?: RatingRecord[] }) | null | undefined)?.ratings ?? []) as RatingRecord[]
}

const afterHandover = ['delivered', 'closed']
// Statuses after the intake visit ended (app/cases/rating.go afterVisit).
const afterVisit = [
  'supplement_pending',
  'pending_approval',
  'returned',
  'accepted',
  'refused',
  'dispatched',
  'handling',
  'handled',
  'delivered',
  'closed',
  'withdrawn',
]

/** visitsToRate lists the visits of a case the applicant may still rate. */
export function visitsToRate(st: CaseState | null | undefined): Visit[] {
  if (!st) return []
  const done = new Set(ratingsOf(st).map((r) => r.visit))
  const out: Visit[] = []
  if (afterVisit.includes(st.status) && !done.has('intake')) out.push('intake')
  if (afterHandover.includes(st.status) && !done.has('handover')) out.push('handover')
  return out
}

/** followUpActions lists the follow-up steps allowed from a status (supervisor-only steps need isSupervisor). */
export function followUpActions(r: RatingRecord, isSupervisor: boolean, me: string): FollowUpKind[] {
  const appealed = (r.notes ?? []).some((n) => n.kind === 'rating_appealed')
  const out: FollowUpKind[] = []
  switch (r.followUp) {
    case 'open':
      out.push('followup_callback')
      break
    case 'called_back':
      out.push('followup_callback', 'followup_rectified')
      break
    case 'rectified':
      out.push('followup_rectified')
      if (isSupervisor) out.push('followup_closed')
      break
    case 'appealed':
      if (isSupervisor && r.appealedBy !== me) out.push('appeal_decided')
      return out
    default:
      return out
  }
  if (!appealed) out.push('rating_appealed')
  return out
}
