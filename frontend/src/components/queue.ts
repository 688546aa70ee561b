/** One row of today's queue. Issue 3 (intake) fills it from the case service. */
export interface QueueItem {
  id: string
  number: string
  /** applicant name, already masked where needed */
  applicant: string
  matterName: string
  status: string
  receivedAt: string
}
