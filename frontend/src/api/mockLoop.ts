// DEV ONLY: in-memory answers of PlacesService, MailService and HandlingService
// for the dev mock (mock.ts) and component tests. Mirrors the contract in
// docs/api.md (issue 7) closely enough to click through the screens.
import type { ApiError, CaseSummary } from './types'
import type { BatchDetail, BatchItem, MailBatch, MailEvent, StuckParcel } from './mail'
import type { DecideInput, HandOverInput, InboxItem } from './handling'
import type { Place } from './places'

function fail(e: ApiError): never {
  throw JSON.stringify(e)
}

export const MOCK_PLACES: Place[] = [
  { code: '410102', name: '郑州市中原区政务服务中心', province: '河南省' },
  { code: '410105', name: '郑州市金水区政务服务中心', province: '河南省' },
  { code: '411302', name: '南阳市宛城区政务服务中心', province: '河南省' },
  { code: '330106', name: '杭州市西湖区行政服务中心', province: '浙江省' },
  { code: '440305', name: '深圳市南山区政务服务中心', province: '广东省' },
]

/** loopHandlers returns "Service.Method" handlers sharing one in-memory state. */
export function loopHandlers(hallCode = '410102', actor = '张窗口'): Record<string, (...a: unknown[]) => unknown> {
  const now = () => new Date().toISOString()
  const summary = (i: number, place: string): CaseSummary & { places: string[] } => ({
    caseId: `mock-${i}`,
    provisionalNo: `临-${hallCode}-2026-${String(i).padStart(5, '0')}`,
    matterCode: i % 2 ? 'N001' : 'N003',
    matterName: i % 2 ? '工作调动户口迁移' : '社会保障卡申领',
    mode: '异地代收代办',
    status: 'accepted',
    statusLabel: '已受理',
    applicantName: ['张*', '李*', '王*'][i % 3],
    idMasked: '410102********1234',
    phoneMasked: '138****5678',
    receivedAt: now(),
    overdue: false,
    dueSoon: false,
    version: 6,
    places: [place],
  })
  let candidates = [summary(1, '330106'), summary(2, '330106'), summary(3, '411302')]
  const batches: BatchDetail[] = []
  let seq = 0
  let waybillSeq = 7700000
  const events: MailEvent[] = []
  const inbox: InboxItem[] = [
    {
      caseId: 'mock-in-1', provisionalNo: '临-410102-2026-00042', matterName: '社会保障卡申领', mode: '异地代收代办',
      hallCode: '410102', hallName: '郑州市中原区政务服务中心', applicant: '赵*', idMasked: '410102********5678',
      waybill: 'SF7700000001', batch: 'JJ410102-20261204-01', taskStatus: 'dispatched', dispatchedAt: now(),
    },
  ]
  const placeName = (c: string) => MOCK_PLACES.find((p) => p.code === c)?.name ?? c
  const find = (id: string) => batches.find((b) => b.batch.id === id) ?? fail({ code: 'ENOTFOUND', message: 'no batch', zh: '找不到该批次' })
  const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

  return {
    'PlacesService.List': () => MOCK_PLACES,
    'MailService.Candidates': (place) => candidates.filter((c) => !place || c.places.includes(String(place))),
    'MailService.Batches': (status) => batches.map((b) => b.batch).filter((b) => !status || b.status === status).reverse(),
    'MailService.OpenBatch': (place) => {
      const open = batches.find((b) => b.batch.place === place && b.batch.status === 'open')
      if (open) return clone(open.batch)
      const b: MailBatch = {
        id: `batch-${++seq}`, number: `JJ${hallCode}-20261204-${String(seq).padStart(2, '0')}`, place: String(place),
        placeName: placeName(String(place)), status: 'open', courier: '演示快递', demo: true, cases: 0, createdBy: actor, createdAt: now(),
      }
      batches.push({ batch: b, items: [] })
      return clone(b)
    },
    'MailService.Batch': (id) => clone(find(String(id))),
    'MailService.AddCase': (id, caseId) => {
      const d = find(String(id))
      if (d.batch.status !== 'open') fail({ code: 'ECONFLICT', message: 'batch dispatched', zh: '批次已寄出，交接清单不能再变更' })
      const c = candidates.find((x) => x.caseId === caseId) ?? fail({ code: 'ENOTFOUND', message: 'no case', zh: '该办件不在待寄递列表中' })
      const it: BatchItem = {
        caseId: c.caseId, provisionalNo: c.provisionalNo, matterName: c.matterName, applicant: c.applicantName,
        waybill: `SF${++waybillSeq}`, routeCode: '571A', addedAt: now(),
      }
      d.items = [...(d.items ?? []), it]
      d.batch.cases = d.items.length
      candidates = candidates.filter((x) => x.caseId !== caseId)
      return clone(d)
    },
    'MailService.RemoveCase': (id, caseId, reason) => {
      const d = find(String(id))
      if (!String(reason ?? '').trim()) fail({ code: 'EINVALID', message: 'reason required', zh: '移出须写明原因', field: 'reason' })
      if (d.batch.status !== 'open') fail({ code: 'ECONFLICT', message: 'batch dispatched', zh: '批次已寄出，交接清单不能再变更' })
      d.items = (d.items ?? []).filter((i) => i.caseId !== caseId)
      d.batch.cases = d.items.length
      return clone(d)
    },
    'MailService.Dispatch': (id) => {
      const d = find(String(id))
      if (d.batch.status !== 'open') fail({ code: 'ECONFLICT', message: 'batch dispatched', zh: '批次已寄出' })
      if (!d.items?.length) fail({ code: 'EINVALID', message: 'empty batch', zh: '批次中没有办件，不能寄出' })
      Object.assign(d.batch, { status: 'dispatched', dispatchedBy: actor, dispatchedAt: now() })
      for (const it of d.items) {
        events.push({ waybill: it.waybill, at: now(), place: '郑州', status: '已揽收', demo: true })
        Object.assign(it, { lastEvent: '已揽收', lastEventAt: now() })
      }
      return clone(d)
    },
    'MailService.Tracking': (caseId) => {
      const w = batches.flatMap((b) => b.items ?? []).filter((i) => i.caseId === caseId).map((i) => i.waybill)
      return events.filter((e) => w.includes(e.waybill))
    },
    'MailService.RefreshTracking': () => batches.filter((b) => b.batch.status === 'dispatched').reduce((n, b) => n + (b.items?.length ?? 0), 0),
    'MailService.Stuck': (): StuckParcel[] => [
      { caseId: 'mock-9', provisionalNo: `临-${hallCode}-2026-00009`, waybill: 'SF7699999999', place: '330106', lastStatus: '运输中', lastEventAt: now(), hours: 80 },
    ],
    'HandlingService.Inbox': (status) =>
      inbox.filter((i) => !status || (status === 'waiting' ? i.taskStatus === 'dispatched' : status === 'handling' ? i.taskStatus === 'handling' : ['approved', 'refused'].includes(i.taskStatus))),
    'HandlingService.SignByWaybill': (waybill) => {
      const w = String(waybill).toUpperCase().replace(/\s+/g, '')
      const it = inbox.find((i) => i.waybill === w)
      if (!it) fail({ code: 'ENOTFOUND', message: 'unknown waybill', zh: '未找到该运单号对应的办件（可能尚未同步）' })
      if (it.taskStatus !== 'dispatched') fail({ code: 'ECONFLICT', message: 'already signed', zh: '该邮件已签收' })
      Object.assign(it, { taskStatus: 'handling', receivedAt: now() })
      return { state: { caseId: it.caseId, provisionalNo: it.provisionalNo, status: 'handling', version: 8 }, noticeDaysLeft: 0 }
    },
    'HandlingService.Receive': (caseId) => ({ state: { caseId, status: 'handling' }, noticeDaysLeft: 0 }),
    'HandlingService.Decide': (input) => {
      const d = input as DecideInput
      if (d.decision === 'refuse' && !d.reasons.length) fail({ code: 'EINVALID', message: 'reasons required', zh: '不予办理须写明理由', field: 'reasons' })
      const it = inbox.find((i) => i.caseId === d.caseId)
      if (it) Object.assign(it, { taskStatus: d.decision === 'refuse' ? 'refused' : 'approved', handledAt: now() })
      return { state: { caseId: d.caseId, status: 'handled' }, noticeDaysLeft: 0 }
    },
    'HandlingService.Materials': () => [{ sha256: 'a'.repeat(64), size: 2048, name: '居民身份证.pdf', local: true }],
    'HandlingService.File': () => ({ name: '居民身份证.pdf', mediaType: 'application/pdf', base64: btoa('%PDF-1.4\n%%EOF\n') }),
    'HandlingService.SignResult': (caseId) => ({ state: { caseId, status: 'handled' }, noticeDaysLeft: 0 }),
    'HandlingService.HandOver': (input) => {
      const h = input as HandOverInput
      if (h.method === 'counter' && (!h.recipient || !h.idNumber)) fail({ code: 'EINVALID', message: 'identity', zh: '窗口领取须核验领取人身份' })
      return { state: { caseId: h.caseId, status: 'delivered' }, noticeDaysLeft: 0 }
    },
    'HandlingService.Close': (caseId) => ({ state: { caseId, status: 'closed' }, noticeDaysLeft: 0 }),
    'HandlingService.Waiting': () => [{ ...summary(7, '330106'), status: 'handled', statusLabel: '已办结' }],
  }
}
