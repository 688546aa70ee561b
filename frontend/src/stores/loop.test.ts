import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fakeApi } from '../test/fakeApi'
import { levelForKey, useRatingStore } from './rating'
import { useAlertsStore, useLedgerStore } from './ledger'
import { byMode, type LedgerRow } from '../api/ledger'
import { followUpActions, visitsToRate, type RatingRecord } from '../api/rating'
import { loopMessages } from '../i18n/loop'
import type { CaseState } from '../api'

beforeEach(() => setActivePinia(createPinia()))

function keys(o: unknown, p = ''): string[] {
  if (typeof o !== 'object' || o === null) return [p]
  return Object.entries(o).flatMap(([k, v]) => keys(v, p ? `${p}.${k}` : k)).sort()
}

describe('loop messages', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(loopMessages.en)).toEqual(keys(loopMessages['zh-CN']))
  })
})

describe('rating store', () => {
  it('maps number keys to levels', () => {
    for (const [k, want] of [['1', 1], ['Digit5', 5], ['Numpad3', 3], ['6', null], ['a', null], ['0', null]] as const) {
      expect(levelForKey(k)).toBe(want)
    }
  })

  it('asks for a level, then reasons for a bad rating, before calling Go', async () => {
    const { call } = fakeApi({ 'RatingService.Rate': () => ({ state: { ratings: [{ visit: 'intake', followUpDue: '2026-08-01' }] } }) })
    const s = useRatingStore()
    expect(await s.submit('c1', 3, 'intake')).toBeNull()
    expect(s.problem).toBe('needLevel')
    s.choose(2)
    expect(await s.submit('c1', 3, 'intake')).toBeNull()
    expect(s.problem).toBe('needReason')
    expect(call).not.toHaveBeenCalled()
    s.toggleReason('办事效率')
    s.comment = '  太慢了  '
    expect(await s.submit('c1', 3, 'intake')).not.toBeNull()
    expect(call).toHaveBeenCalledWith('RatingService', 'Rate', ['c1', 3, { visit: 'intake', level: 2, comment: '太慢了', reasons: ['办事效率'], channel: 'counter' }])
    expect(s.followUpDue).toBe('2026-08-01')
    s.choose(5) // locked once submitted
    expect(s.level).toBe(2)
  })

  it('drops reasons for a good rating and shows the Go error', async () => {
    fakeApi({
      'RatingService.Rate': () => {
        throw { code: 'ECONFLICT', message: 'visit already rated', zh: '本次服务已评价过，每次服务只能评价一次' }
      },
    })
    const s = useRatingStore()
    s.choose(1)
    s.toggleReason('其他')
    s.choose(4)
    expect(s.reasons).toEqual([])
    expect(await s.submit('c1', 1, 'intake')).toBeNull()
    expect(s.error?.zh).toBe('本次服务已评价过，每次服务只能评价一次')
  })

  it('records a follow-up step', async () => {
    const { call } = fakeApi({ 'RatingService.FollowUp': () => ({ state: {} }) })
    const s = useRatingStore()
    await s.followUp('c1', 7, 'followup_callback', { visit: 'intake', note: '已电话回访', contact: 'phone' })
    expect(call).toHaveBeenCalledWith('RatingService', 'FollowUp', ['c1', 7, 'followup_callback', { visit: 'intake', note: '已电话回访', contact: 'phone' }])
  })
})

describe('rating helpers', () => {
  it('lists the visits still to rate', () => {
    const st = (status: string, ratings: { visit: string }[] = []) => ({ status, ratings }) as unknown as CaseState
    expect(visitsToRate(st('reviewing'))).toEqual([])
    expect(visitsToRate(st('accepted'))).toEqual(['intake'])
    expect(visitsToRate(st('delivered'))).toEqual(['intake', 'handover'])
    expect(visitsToRate(st('closed', [{ visit: 'intake' }]))).toEqual(['handover'])
  })

  it('offers follow-up steps by status and role', () => {
    const r = (followUp: RatingRecord['followUp'], extra: Partial<RatingRecord> = {}) => ({ visit: 'intake', level: 1, followUp, ...extra }) as RatingRecord
    expect(followUpActions(r('open'), false, 'a')).toEqual(['followup_callback', 'rating_appealed'])
    expect(followUpActions(r('rectified'), false, 'a')).toEqual(['followup_rectified', 'rating_appealed'])
    expect(followUpActions(r('rectified'), true, 'a')).toContain('followup_closed')
    expect(followUpActions(r('appealed', { appealedBy: 'a' }), true, 'a')).toEqual([])
    expect(followUpActions(r('appealed', { appealedBy: 'b' }), true, 'a')).toEqual(['appeal_decided'])
    const appealed = r('called_back', { notes: [{ kind: 'rating_appealed', note: 'x', by: 'b', at: '' }] })
    expect(followUpActions(appealed, false, 'a')).not.toContain('rating_appealed')
    expect(followUpActions(r('closed'), true, 'a')).toEqual([])
  })
})

describe('ledger store', () => {
  const row = (name: string, mode: string, o: Partial<LedgerRow>): LedgerRow => ({
    matterCode: name,
    matterName: name,
    mode,
    received: 0,
    accepted: 0,
    refused: 0,
    completed: 0,
    inProgress: 0,
    overdue: 0,
    avgHandlingDays: 0,
    ratings: 0,
    avgLevel: 0,
    bad: 0,
    badShare: 0,
    followClosed: 0,
    followPending: 0,
    followOverdue: 0,
    voided: 0,
    ...o,
  })

  it('builds the query from the period', async () => {
    const { call } = fakeApi({ 'LedgerService.Report': () => ({ rows: [], total: row('', '', {}) }) })
    const s = useLedgerStore()
    s.period = 'week'
    s.anchor = '2026-07-15'
    await s.load()
    expect(call).toHaveBeenLastCalledWith('LedgerService', 'Report', [{ period: 'week', anchor: '2026-07-15' }])
    s.period = 'custom'
    s.range = ['2026-07-01', '2026-07-31']
    await s.load()
    expect(call).toHaveBeenLastCalledWith('LedgerService', 'Report', [{ period: 'custom', from: '2026-07-01', to: '2026-07-31' }])
  })

  it('folds rows by service mode with weighted averages', async () => {
    const rows = [
      row('a', '异地代收代办', { received: 3, completed: 1, avgHandlingDays: 4, ratings: 1, avgLevel: 5 }),
      row('b', '异地代收代办', { received: 2, completed: 3, avgHandlingDays: 8, ratings: 3, avgLevel: 1, bad: 3 }),
      row('c', '全程网办', { received: 1 }),
    ]
    const m = byMode(rows)
    expect(m.map((r) => [r.mode, r.received])).toEqual([
      ['异地代收代办', 5],
      ['全程网办', 1],
    ])
    expect(m[0].avgHandlingDays).toBe(7)
    expect(m[0].avgLevel).toBe(2)
    expect(m[0].badShare).toBe(0.75)
    expect(m[1].avgLevel).toBe(0)
    fakeApi({ 'LedgerService.Report': () => ({ rows, total: row('', '', {}) }) })
    const s = useLedgerStore()
    await s.load()
    expect(s.rows).toHaveLength(3)
    s.dimension = 'mode'
    expect(s.rows).toHaveLength(2)
  })

  it('exports and keeps the path; keeps the error', async () => {
    fakeApi({ 'LedgerService.Export': () => ({ path: '/d/exports/x.xlsx', cases: 4, millis: 9 }) })
    const s = useLedgerStore()
    await s.exportXlsx()
    expect(s.exported?.path).toBe('/d/exports/x.xlsx')
    fakeApi({
      'LedgerService.Export': () => {
        throw { code: 'EINVALID', message: 'period too long', zh: '统计期间最长 1098 天' }
      },
    })
    await s.exportXlsx()
    expect(s.exported).toBeNull()
    expect(s.error?.zh).toBe('统计期间最长 1098 天')
  })

  it('counts alerts', async () => {
    fakeApi({ 'LedgerService.Alerts': () => ({ overdue: [], overdueCount: 2, badRatings: [], badRatingsCount: 3, badRatingsLate: 1, parcelsStuck: null }) })
    const a = useAlertsStore()
    await a.load()
    expect(a.count).toBe(5)
  })
})
