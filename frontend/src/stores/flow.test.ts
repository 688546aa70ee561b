import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fakeApi, type Handler } from '../test/fakeApi'
import { groupByPlace, useMailStore } from './mail'
import { decideIssue, handOverIssue, reasonLines } from './handling'
import { usePlacesStore } from './places'
import { useLoopAlertsStore } from './loopAlerts'
import { placeLabel, provinceOfCode, routeScope, splitPlaces } from '../api/places'
import { flowMessages } from '../i18n/flow'
import { loopHandlers, MOCK_PLACES } from '../api/mockLoop'
import type { Candidate } from '../api/mail'

beforeEach(() => setActivePinia(createPinia()))

function keys(o: unknown, p = ''): string[] {
  if (typeof o !== 'object' || o === null) return [p]
  return Object.entries(o).flatMap(([k, v]) => keys(v, p ? `${p}.${k}` : k)).sort()
}

describe('flow messages', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(flowMessages.en)).toEqual(keys(flowMessages['zh-CN']))
  })
})

describe('places', () => {
  it('knows provinces and compares them', () => {
    expect(provinceOfCode('410102')).toBe('河南省')
    expect(provinceOfCode('330106')).toBe('浙江省')
    expect(provinceOfCode('99')).toBe('')
    expect(routeScope('410102', ['411302'], MOCK_PLACES)).toBe('henan')
    expect(routeScope('410102', ['411302', '330106'], MOCK_PLACES)).toBe('crossProvince')
    expect(routeScope('330106', ['330102'], [])).toBe('inProvince')
    expect(routeScope('410102', [], MOCK_PLACES)).toBe('')
    expect(routeScope('410102', ['abc'], MOCK_PLACES)).toBe('')
    expect(placeLabel('330106', MOCK_PLACES)).toBe('杭州市西湖区行政服务中心（330106）浙江省')
    expect(placeLabel('123456', MOCK_PLACES)).toBe('123456')
  })

  it('splits the handlingPlaces field', () => {
    expect(splitPlaces('330106, 411302，330106、440305')).toEqual(['330106', '411302', '440305'])
    expect(splitPlaces('')).toEqual([])
    expect(splitPlaces(undefined)).toEqual([])
  })

  it('loads the list once and survives a failure', async () => {
    let n = 0
    fakeApi({ 'PlacesService.List': () => (n++ ? MOCK_PLACES : Promise.reject(JSON.stringify({ code: 'EOFFLINE', message: 'x', zh: '离线' }))) })
    const s = usePlacesStore()
    await s.load()
    expect(s.error?.zh).toBe('离线')
    expect(s.places).toEqual([])
    await s.load()
    expect(s.places.length).toBe(MOCK_PLACES.length)
    await s.load()
    expect(n).toBe(2)
    expect(s.name('330106')).toBe('杭州市西湖区行政服务中心')
  })
})

describe('forms', () => {
  it('decideIssue', () => {
    expect(decideIssue({ decision: 'refuse', reasons: ['  '], result: '', fileName: '' })).toBe('flow.decide.needReasons')
    expect(decideIssue({ decision: 'refuse', reasons: ['材料不符'], result: '', fileName: '' })).toBeNull()
    expect(decideIssue({ decision: 'approve', reasons: [], result: ' ', fileName: '' })).toBe('flow.decide.needResult')
    expect(decideIssue({ decision: 'approve', reasons: [], result: '准予', fileName: 'x.docx' })).toBe('flow.decide.badFile')
    expect(decideIssue({ decision: 'approve', reasons: [], result: '准予', fileName: 'x.PDF' })).toBeNull()
    expect(reasonLines(' a \n\nb\r\n')).toEqual(['a', 'b'])
  })

  it('handOverIssue', () => {
    expect(handOverIssue({ method: 'counter', recipient: '', idNumber: '1', source: 'manual' })).toBe('flow.handover.needRecipient')
    expect(handOverIssue({ method: 'counter', recipient: '张三', idNumber: '', source: '' })).toBe('flow.handover.needIdentity')
    expect(handOverIssue({ method: 'counter', recipient: '张三', idNumber: '4101', source: '' })).toBe('flow.handover.needIdentity')
    expect(handOverIssue({ method: 'counter', recipient: '张三', idNumber: '4101', source: 'reader' })).toBeNull()
    expect(handOverIssue({ method: 'mail', recipient: '', idNumber: '', source: '' })).toBeNull()
  })
})

describe('mail store', () => {
  it('groups candidates by place, several places for 多地联办, unknown last', () => {
    const c = (id: string, extra: Partial<Candidate>) => ({ caseId: id, ...extra }) as Candidate
    const g = groupByPlace([c('a', { place: '330106' }), c('b', {}), c('c', { places: ['411302', '330106'] })])
    expect(g.map((x) => [x.place, x.cases.map((y) => y.caseId)])).toEqual([
      ['330106', ['a', 'c']],
      ['411302', ['c']],
      ['', ['b']],
    ])
  })

  it('keeps the Go refusal when a dispatched manifest is changed', async () => {
    const h = loopHandlers() as Record<string, Handler>
    fakeApi(h)
    const s = useMailStore()
    await s.load()
    const d = await s.add('mock-1', '330106')
    expect(d?.items?.length).toBe(1)
    expect(s.candidates.map((x) => x.caseId)).not.toContain('mock-1')
    await s.dispatch(d!.batch.id)
    expect(s.open).toEqual([])
    expect(s.dispatched[0].status).toBe('dispatched')
    expect(await s.remove(d!.batch.id, 'mock-1', '错寄')).toBeNull()
    expect(s.error?.zh).toBe('批次已寄出，交接清单不能再变更')
  })
})

describe('loop alerts', () => {
  it('loads stuck parcels and waiting results, and shrugs off a failing call', async () => {
    fakeApi({
      'MailService.Stuck': () => [{ caseId: 'c1', provisionalNo: 'n', waybill: 'SF1', place: '330106', lastStatus: '运输中', lastEventAt: '', hours: 80 }],
      'HandlingService.Waiting': () => Promise.reject(JSON.stringify({ code: 'EFORBIDDEN', message: 'no', zh: '无权' })),
    })
    const s = useLoopAlertsStore()
    await s.load({ stuck: true, waiting: true })
    expect(s.stuck.length).toBe(1)
    expect(s.waiting).toEqual([])
    expect(s.count).toBe(1)
  })
})
