import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fakeApi } from '../test/fakeApi'
import { classifyQuery } from './cases'
import { checklistFromGuide, emptyData, findingsFromMaterials, prefillForm, supplementItems, useIntakeStore } from './intake'
import type { Guide, Matter } from '../api'

const guide = {
  sample: true,
  conditions: [],
  form: [
    { key: 'name', label: '申请人姓名', type: 'text', required: true },
    { key: 'idNo', label: '公民身份号码', type: 'idno', required: true },
    { key: 'purpose', label: '证明用途', type: 'select', required: true, options: ['就业', '入学'] },
    { key: 'agent', label: '是否委托代办', type: 'select', required: true, options: ['本人办理', '委托代办'] },
  ],
  materials: [
    { id: 'id-card', name: '居民身份证', form: '原件', copies: 1, required: true },
    { id: 'letter', name: '函件', form: '原件或复印件', copies: 1, required: false },
  ],
  process: [],
  legalLimitDays: 3,
  promisedLimitDays: 3,
  kind: '承诺件',
  fee: '',
  result: '',
  resultDelivery: [],
  basis: ['依据一'],
  refusalNeedsApproval: true,
} as Guide
const matter = { code: 'QG-1', name: '开具有无犯罪记录证明', serviceModes: ['异地代收代办'], guide } as unknown as Matter
const card = {
  card: { docType: 'resident_id', name: '张𠮷', number: '11010519491231002X', address: '北京', validUntil: '长期', source: 'reader' },
  document: { type: 'resident_id', number: '11010519491231002X' },
}

describe('intake helpers', () => {
  it('builds the checklist from the guide', () => {
    const c = checklistFromGuide(guide)
    expect(c.map((m) => m.status)).toEqual(['received', 'not_applicable'])
    expect(c[1].form).toBe('原件')
  })
  it('prefills repeated form fields from the applicant', () => {
    const d = emptyData()
    d.applicant.name = '张𠮷'
    d.applicant.idNumber = '11010519491231002X'
    const f = prefillForm(guide.form, d)
    expect(f).toMatchObject({ name: '张𠮷', idNo: '11010519491231002X', agent: '本人办理' })
    expect(f.purpose).toBeUndefined()
  })
  it('turns every problem into a finding and a supplement item', () => {
    const items = checklistFromGuide(guide)
    items[0].status = 'missing'
    items[0].problem = '未带身份证'
    const f = findingsFromMaterials(items)
    expect(f).toEqual([{ item: 'id-card', reason: '未带身份证' }])
    expect(supplementItems(items, f)).toEqual([{ materialId: 'id-card', name: '居民身份证', problem: 'missing', reason: '未带身份证' }])
  })
  it('classifies the case search box', () => {
    expect(classifyQuery('11010519491231002x')).toEqual({ idNumber: '11010519491231002x' })
    expect(classifyQuery('临-410105-20261204-AB12-0001')).toEqual({ caseNo: '临-410105-20261204-AB12-0001' })
    expect(classifyQuery('138 1234 5678')).toEqual({ phone: '13812345678' })
    expect(classifyQuery('买买提·艾力')).toEqual({ name: '买买提·艾力' })
  })
})

describe('intake store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('walks the wizard with a card read, saving a draft each step, and accepts', async () => {
    let rev = 0
    const saved: unknown[] = []
    const { call } = fakeApi({
      'CatalogService.Get': () => matter,
      'CaseService.SaveDraft': (d: unknown) => {
        saved.push(d)
        return { ...(d as object), id: 'draft-1', revision: ++rev, updatedAt: '2026-12-04T02:00:00Z' }
      },
      'IdentityService.ReadCard': () => card,
      'CaseService.Duplicates': () => [],
      'CaseService.Open': () => ({ state: { caseId: 'c1', version: 4, status: 'reviewing' }, noticeDaysLeft: 5 }),
      'CaseService.Accept': () => ({ state: { caseId: 'c1', version: 5, status: 'accepted', receipt: { dueDate: '2026-12-09' } }, noticeDaysLeft: 0 }),
    })
    const s = useIntakeStore()
    await s.chooseMatter('QG-1')
    expect(s.step).toBe('applicant')
    expect(s.data.mode).toBe('异地代收代办')
    expect(await s.readCard()).toBe(true)
    expect(s.data.applicant.name).toBe('张𠮷')
    expect(await s.next()).toBe(false) // phone missing
    expect(s.error?.zh).toContain('电话')
    s.data.applicant.phone = '13812345678'
    expect(await s.next()).toBe(true)
    expect(s.step).toBe('identity')
    expect(await s.next()).toBe(true) // card read: identity checked
    expect(s.data.form.name).toBe('张𠮷')
    expect(await s.next()).toBe(false) // purpose required
    s.data.form.purpose = '就业'
    for (const want of ['materials', 'review', 'confirm', 'decision']) {
      await s.next()
      expect(s.step).toBe(want)
    }
    expect(s.data.decision).toBe('accept')
    const r = await s.decide()
    expect(r?.state.status).toBe('accepted')
    expect(s.done).toBe(true)
    expect(saved.length).toBeGreaterThanOrEqual(7)
    const open = call.mock.calls.find((c) => c[1] === 'Open')!
    expect((open[2][0] as { draftId: string }).draftId).toBe('draft-1')
  })

  it('asks for a reason for a missing material and proposes the supplement notice', async () => {
    fakeApi({
      'CatalogService.Get': () => matter,
      'CaseService.SaveDraft': (d: unknown) => ({ ...(d as object), id: 'd', revision: 1, updatedAt: '' }),
    })
    const s = useIntakeStore()
    await s.chooseMatter('QG-1')
    s.data.step = 4
    s.data.materials[0].status = 'missing'
    expect(await s.next()).toBe(false)
    expect(s.error?.zh).toContain('写明原因')
    s.data.materials[0].problem = '未带'
    expect(await s.next()).toBe(true)
    expect(s.data.findings).toEqual([{ item: 'id-card', reason: '未带' }])
    await s.next()
    await s.next()
    expect(s.data.decision).toBe('supplement')
  })

  it('shows a reader fault in Chinese and keeps the wizard usable', async () => {
    fakeApi({
      'IdentityService.ReadCard': () => {
        throw { code: 'EOFFLINE', message: 'card reader not connected', zh: '未检测到身份证读卡器' }
      },
    })
    const s = useIntakeStore()
    expect(await s.readCard()).toBe(false)
    expect(s.error?.zh).toContain('读卡器')
    expect(s.reading).toBe(false)
  })
})
