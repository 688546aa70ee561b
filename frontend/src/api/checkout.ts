// SyncService.CheckOut / CheckIn: a case checked out on the platform before an
// offline decision (issue 6), so a decision another account pushes meanwhile
// is flagged for a supervisor.
import { useApi } from './index'
import type { Transport } from './transport'

export interface CheckOutResult {
  caseId: string
  granted: boolean
  heldBy?: string
  version: number
  message: string
}

export interface CheckoutApi {
  checkOut(caseId: string): Promise<CheckOutResult>
  checkIn(caseId: string): Promise<CheckOutResult>
}

export function createCheckoutApi(t: Transport): CheckoutApi {
  return {
    checkOut: (caseId) => t.call<CheckOutResult>('SyncService', 'CheckOut', [caseId]),
    checkIn: (caseId) => t.call<CheckOutResult>('SyncService', 'CheckIn', [caseId]),
  }
}

export function useCheckoutApi(): CheckoutApi {
  return createCheckoutApi(useApi().transport)
}
