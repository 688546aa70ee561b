import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import type { Component } from 'vue'
import { fakeApi, type Handler } from '../test/fakeApi'
import { settle } from '../test/mountApp'
import { makeI18n } from '../i18n'
import { makeRouter } from '../router'
import { useAuthStore } from '../stores/auth'
import type { CaseState, Role } from '../api'
import WaybillScan from './WaybillScan.vue'
import DecideDialog from './DecideDialog.vue'
import HandOverDialog from './HandOverDialog.vue'
import CaseLoopPanels from './CaseLoopPanels.vue'
import PlacePicker from './PlacePicker.vue'
import InboxView from '../views/InboxView.vue'
import MailView from '../views/MailView.vue'
import HomeAlerts from './HomeAlerts.vue'
import { MOCK_PLACES, loopHandlers } from '../api/mockLoop'

beforeEach(() => {
  document.body.innerHTML = ''
  URL.createObjectURL = () => 'blob:file'
  URL.revokeObjectURL = () => {}
})

async function mountAs(comp: Component, role: Role, props: Record<string, unknown> = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuthStore(pinia)
  auth.status = {
    needsSetup: false,
    locked: false,
    idleLockMinutes: 10,
    user: { id: 1, username: 'u', displayName: '张窗口', role, disabled: false, createdAt: '' },
  }
  const router = makeRouter(() => false)
  await router.push('/home')
  await router.isReady()
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const wrapper = mount(comp as any, { attachTo: document.body, props, global: { plugins: [pinia, router, makeI18n('zh-CN'), ElementPlus] } })
  await flushPromises()
  await settle()
  return { wrapper, router }
}

const refusal = (zh: string, code = 'EINVALID') => {
  throw JSON.stringify({ code, message: 'refused', zh })
}

async function type(input: HTMLInputElement, text: string, enter = true) {
  input.value = text
  input.dispatchEvent(new Event('input'))
  if (enter) input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
  await flushPromises()
  await settle()
}

describe('WaybillScan', () => {
  it('is focused, submits on Enter, clears on success and shows a refusal in Chinese', async () => {
    const seen: string[] = []
    let ok = false
    const action = async (w: string) => {
      seen.push(w)
      if (!ok) refusal('该邮件寄往杭州市西湖区行政服务中心，不属于本地')
      return { fine: true }
    }
    const { wrapper } = await mountAs(WaybillScan, 'handler', { action })
    const input = wrapper.find('[data-test="waybill-scan-input"]').element as HTMLInputElement
    expect(document.activeElement).toBe(input)
    await type(input, '  SF123 ')
    expect(seen).toEqual(['SF123'])
    const err = wrapper.find('[data-test="waybill-scan-error"]')
    expect(err.exists()).toBe(true)
    expect(err.text()).toContain('该邮件寄往杭州市西湖区行政服务中心，不属于本地')
    expect(input.value).toBe('  SF123 ') // kept (selected) so the next scan replaces it
    ok = true
    await type(input, 'SF456')
    expect(seen).toEqual(['SF123', 'SF456'])
    expect(wrapper.find('[data-test="waybill-scan-error"]').exists()).toBe(false)
    expect(input.value).toBe('')
    expect(wrapper.emitted('done')?.[0]).toEqual([{ fine: true }, 'SF456'])
    wrapper.unmount()
  })

  it('ignores Enter on an empty box', async () => {
    let calls = 0
    const { wrapper } = await mountAs(WaybillScan, 'handler', { action: async () => calls++ })
    await type(wrapper.find('input').element as HTMLInputElement, '   ')
    expect(calls).toBe(0)
    wrapper.unmount()
  })
})

describe('InboxView', () => {
  it('signs by waybill on Enter and opens the case; shows the refusal otherwise', async () => {
    let refuse = true
    const { call } = fakeApi({
      'HandlingService.Inbox': () => [],
      'HandlingService.SignByWaybill': () =>
        refuse ? refusal('该运单号属于另一办件，请核对邮件') : { state: { caseId: 'c9', provisionalNo: '临-410102-2026-00009', version: 8 } },
    })
    const { wrapper, router } = await mountAs(InboxView, 'handler')
    expect(call).toHaveBeenCalledWith('HandlingService', 'Inbox', ['waiting'])
    const input = wrapper.find('[data-test="inbox-scan-input"]').element as HTMLInputElement
    expect(document.activeElement).toBe(input)
    await type(input, 'SF7700000001')
    expect(call).toHaveBeenCalledWith('HandlingService', 'SignByWaybill', ['SF7700000001', ''])
    expect(wrapper.find('[data-test="inbox-scan-error"]').text()).toContain('该运单号属于另一办件，请核对邮件')
    expect(router.currentRoute.value.path).toBe('/home')
    refuse = false
    await type(input, 'SF7700000001')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/inbox/c9'))
    wrapper.unmount()
  })
})

describe('DecideDialog', () => {
  it('requires reasons for 不予办理 and sends them one per line', async () => {
    const { call } = fakeApi({ 'HandlingService.Decide': () => ({ state: { caseId: 'c1' } }) })
    const { wrapper } = await mountAs(DecideDialog, 'handler', { modelValue: true, caseId: 'c1', basedOn: 9 })
    await wrapper.find('[data-test="decide-refuse"] input').setValue(true)
    await wrapper.find('[data-test="decide-submit"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-test="decide-problem"]').text()).toContain('不予办理须写明理由')
    expect(call).not.toHaveBeenCalled()
    await wrapper.find('[data-test="decide-reasons"]').setValue('户籍信息不符\n\n  材料已过期 ')
    await wrapper.find('[data-test="decide-delivery-mail"] input').setValue(true)
    await wrapper.find('[data-test="decide-submit"]').trigger('click')
    await flushPromises()
    await settle()
    expect(call).toHaveBeenCalledWith('HandlingService', 'Decide', [
      {
        caseId: 'c1', basedOn: 9, decision: 'refuse', reasons: ['户籍信息不符', '材料已过期'], result: '',
        resultDelivery: 'mail', returnWaybill: '', fileName: '', fileBase64: '',
      },
    ])
    expect(wrapper.emitted('decided')).toHaveLength(1)
    wrapper.unmount()
  })

  it('requires a result text to approve', async () => {
    const { call } = fakeApi({ 'HandlingService.Decide': () => ({ state: {} }) })
    const { wrapper } = await mountAs(DecideDialog, 'handler', { modelValue: true, caseId: 'c1', basedOn: 9 })
    await wrapper.find('[data-test="decide-submit"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-test="decide-problem"]').text()).toContain('请填写办理结果')
    expect(call).not.toHaveBeenCalled()
    wrapper.unmount()
  })
})

describe('HandOverDialog', () => {
  it('requires the collector identity at the counter, read from the card or typed', async () => {
    const { call } = fakeApi({
      'IdentityService.ReadCard': () => ({ card: { name: '张三', number: '410102199001011234', source: 'reader' }, document: { type: 'resident_id', number: '410102199001011234' } }),
      'HandlingService.HandOver': () => ({ state: { caseId: 'c1' } }),
    })
    const { wrapper } = await mountAs(HandOverDialog, 'clerk', { modelValue: true, caseId: 'c1', basedOn: 12 })
    await wrapper.find('[data-test="handover-recipient"]').setValue('张三')
    await wrapper.find('[data-test="handover-submit"]').trigger('click')
    await settle()
    expect(wrapper.find('[data-test="handover-problem"]').text()).toContain('须核验领取人身份')
    expect(call).not.toHaveBeenCalledWith('HandlingService', 'HandOver', expect.anything())
    await wrapper.find('[data-test="handover-read-card"]').trigger('click')
    await flushPromises()
    await settle()
    expect(wrapper.find('[data-test="handover-card"]').text()).toContain('410102********1234')
    await wrapper.find('[data-test="handover-submit"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('HandlingService', 'HandOver', [
      { caseId: 'c1', basedOn: 12, method: 'counter', recipient: '张三', idNumber: '410102199001011234', source: 'reader', ref: '' },
    ])
    wrapper.unmount()
  })

  it('marks a typed ID number as manual entry', async () => {
    const { call } = fakeApi({ 'HandlingService.HandOver': () => ({ state: {} }) })
    const { wrapper } = await mountAs(HandOverDialog, 'clerk', { modelValue: true, caseId: 'c1', basedOn: 3 })
    await wrapper.find('[data-test="handover-recipient"]').setValue('李四')
    await wrapper.find('[data-test="handover-id"]').setValue('110101199003071234')
    await wrapper.find('[data-test="handover-submit"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('HandlingService', 'HandOver', [
      { caseId: 'c1', basedOn: 3, method: 'counter', recipient: '李四', idNumber: '110101199003071234', source: 'manual', ref: '' },
    ])
    wrapper.unmount()
  })
})

const base = {
  caseId: 'c1', provisionalNo: '临-410102-2026-00001', matter: { code: 'N001', name: '工作调动户口迁移', mode: '异地代收代办' },
  applicant: { name: '张*', idNumber: '', phone: '' }, hallCode: '410102', deviceId: 'd', receivedAt: '', updatedAt: '',
  identityChecked: true, supplements: 0, version: 10,
}
const st = (over: Record<string, unknown>) => ({ ...base, ...over }) as unknown as CaseState

describe('CaseLoopPanels', () => {
  const handlers = (extra: Record<string, Handler> = {}) => ({
    'PlacesService.List': () => MOCK_PLACES,
    'MailService.Tracking': () => [{ waybill: 'SF1', at: '2026-12-04T02:00:00Z', place: '郑州', status: '已揽收', demo: true }],
    ...extra,
  })

  it('shows one row per task with place names, and tracking with the demo mark', async () => {
    fakeApi(handlers())
    const state = st({
      status: 'handling',
      tasks: [
        { place: '330106', waybill: 'SF1', batch: 'JJ410102-20261204-01', dispatchedAt: '2026-12-04T01:00:00Z', dispatchedBy: '张窗口', receivedAt: '2026-12-05T01:00:00Z', receivedBy: '钱办理' },
      ],
    })
    const { wrapper } = await mountAs(CaseLoopPanels, 'clerk', { state })
    const row = wrapper.find('[data-test="flow-task"]')
    expect(row.attributes('data-place')).toBe('330106')
    expect(row.text()).toBe('杭州市西湖区行政服务中心')
    expect(wrapper.find('[data-test="flow-task-status"]').attributes('data-status')).toBe('handling')
    expect(wrapper.find('[data-test="flow-card"]').text()).toContain('钱办理')
    expect(wrapper.find('[data-test="tracking"]').text()).toContain('已揽收')
    expect(wrapper.find('[data-test="tracking"]').text()).toContain('演示')
    expect(wrapper.find('[data-test="handover-open"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('offers 结果交付 only at the collecting hall', async () => {
    const state = st({ status: 'handled', result: { decision: 'approve', places: ['330106'], by: 'h', at: '2026-12-06T01:00:00Z' } })
    for (const [hall, shown] of [
      ['410102', true],
      ['330106', false],
    ] as const) {
      fakeApi(handlers({ 'SettingsService.Get': () => ({ settings: { hall: { divisionCode: hall, name: '' } } }) }))
      const { wrapper } = await mountAs(CaseLoopPanels, 'clerk', { state })
      expect(wrapper.find('[data-test="handover-open"]').exists(), `clerk at ${hall}`).toBe(shown)
      wrapper.unmount()
    }
  })

  it('sent back: shows the refusal reasons and offers 重新寄递 and 结果交付', async () => {
    fakeApi(handlers())
    const state = st({
      status: 'sent_back',
      matter: { code: 'N9', name: '多地事项', mode: '多地联办' },
      tasks: [
        { place: '330106', decision: 'refuse', reasons: ['户籍地信息不符'], handledAt: '2026-12-06T01:00:00Z' },
        { place: '411302', decision: 'approve', handledAt: '2026-12-06T01:00:00Z' },
      ],
      result: { decision: 'refuse', reasons: ['户籍地信息不符'], places: ['330106'], by: '钱办理', at: '2026-12-06T01:00:00Z' },
    })
    const { wrapper, router } = await mountAs(CaseLoopPanels, 'clerk', { state })
    expect(wrapper.find('[data-test="sent-back"]').text()).toContain('杭州市西湖区行政服务中心：户籍地信息不符')
    expect(wrapper.find('[data-test="handover-open"]').exists()).toBe(true)
    await wrapper.find('[data-test="redispatch"]').trigger('click')
    await settle()
    expect(router.currentRoute.value.path).toBe('/mail')
    wrapper.unmount()
  })

  it('a mailed result: scan the return waybill before the handover; archive once delivered', async () => {
    const { call } = fakeApi(handlers({ 'HandlingService.SignResult': () => ({ state: {} }) }))
    const state = st({
      status: 'handled',
      tasks: [{ place: '330106', waybill: 'SF1', handledAt: '2026-12-06T01:00:00Z', decision: 'approve', returnWaybill: 'SF9' }],
      result: { decision: 'approve', text: '准予迁入', delivery: 'mail', returnWaybills: ['SF9'], places: ['330106'], by: '钱办理', at: '2026-12-06T01:00:00Z' },
    })
    const { wrapper } = await mountAs(CaseLoopPanels, 'clerk', { state })
    expect(wrapper.find('[data-test="need-arrival"]').exists()).toBe(true)
    await type(wrapper.find('[data-test="result-sign-input"]').element as HTMLInputElement, 'SF9')
    expect(call).toHaveBeenCalledWith('HandlingService', 'SignResult', ['c1', 'SF9'])
    expect(wrapper.emitted('changed')).toHaveLength(1)
    await wrapper.setProps({ state: st({ status: 'delivered', delivered: { method: 'counter', recipient: '张三', idMasked: '410102********1234', identitySource: 'reader', by: '张窗口', at: '2026-12-07T01:00:00Z' } }) })
    expect(wrapper.find('[data-test="delivered"]').text()).toContain('窗口领取')
    expect(wrapper.find('[data-test="archive"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('handler: signs without a parcel when nothing was mailed, then decides', async () => {
    fakeApi(handlers({
      'SettingsService.Get': () => ({ settings: { hall: { divisionCode: '330106', name: '西湖' } }, problems: [], path: '' }),
      'HandlingService.Materials': () => [{ sha256: 'ab'.repeat(32), size: 10, name: '身份证.jpg', local: true }],
      'HandlingService.File': () => ({ name: '身份证.jpg', mediaType: 'image/jpeg', base64: btoa('jpg') }),
    }))
    const { wrapper } = await mountAs(CaseLoopPanels, 'handler', { state: st({ status: 'dispatched', tasks: [{ place: '330106' }] }) })
    expect(wrapper.find('[data-test="handler-receive"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="handler-sign"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="materials-item"]').text()).toContain('身份证.jpg')
    await wrapper.find('[data-test="materials-view"]').trigger('click')
    await flushPromises()
    await settle()
    expect(document.querySelector('[data-test="materials-dialog"] img')?.getAttribute('src')).toBe('blob:file')
    await wrapper.setProps({ state: st({ status: 'handling', tasks: [{ place: '330106', receivedAt: '2026-12-05T01:00:00Z' }] }) })
    expect(wrapper.find('[data-test="handler-decide"]').exists()).toBe(true)
    wrapper.unmount()
  })
})

describe('PlacePicker', () => {
  it('tags 全豫通办 and 跨省通办 from the provinces', async () => {
    fakeApi({ 'PlacesService.List': () => MOCK_PLACES })
    const { wrapper } = await mountAs(PlacePicker, 'clerk', { modelValue: ['411302'], hallCode: '410102' })
    expect(wrapper.find('[data-test="route-scope"]').text()).toBe('全豫通办')
    await wrapper.setProps({ modelValue: ['411302', '330106'], multi: true })
    expect(wrapper.find('[data-test="route-scope"]').text()).toBe('跨省通办')
    await wrapper.setProps({ modelValue: ['12345'] })
    expect(wrapper.find('[data-test="places-bad"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('works offline: the list failing still lets a code through', async () => {
    fakeApi({ 'PlacesService.List': () => refusal('平台不可达', 'EOFFLINE') })
    const { wrapper } = await mountAs(PlacePicker, 'clerk', { modelValue: ['330106'], hallCode: '410102' })
    expect(wrapper.find('[data-test="places-offline"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="route-scope"]').text()).toBe('跨省通办')
    wrapper.unmount()
  })
})

describe('MailView on the mock backend', () => {
  it('groups candidates by place, adds to a batch with a demo waybill, dispatches after confirming', async () => {
    const { call } = fakeApi(loopHandlers('410102', '张窗口') as Record<string, Handler>)
    const { wrapper } = await mountAs(MailView, 'clerk')
    const groups = wrapper.findAll('[data-test="mail-group"]')
    expect(groups.map((g) => g.attributes('data-place'))).toEqual(['330106', '411302'])
    expect(groups[0].text()).toContain('杭州市西湖区行政服务中心（330106）浙江省')
    await groups[0].find('[data-test="mail-add"]').trigger('click')
    await flushPromises()
    await settle()
    expect(call).toHaveBeenCalledWith('MailService', 'OpenBatch', ['330106'])
    expect(call).toHaveBeenCalledWith('MailService', 'AddCase', ['batch-1', 'mock-1'])
    const batch = wrapper.find('[data-test="mail-batch"]')
    expect(batch.attributes('data-number')).toBe('JJ410102-20261204-01')
    expect(batch.find('[data-test="mail-item-waybill"]').text()).toMatch(/^SF\d+$/)
    expect(batch.find('[data-test="mail-demo"]').text()).toBe('演示')
    await batch.find('[data-test="mail-dispatch"]').trigger('click')
    await settle()
    const ok = document.querySelector<HTMLButtonElement>('.el-message-box .el-button--primary')
    expect(document.querySelector('.el-message-box')?.textContent).toContain('JJ410102-20261204-01')
    ok!.click()
    await flushPromises()
    await settle(10)
    expect(call).toHaveBeenCalledWith('MailService', 'Dispatch', ['batch-1'])
    expect(wrapper.find('[data-test="mail-batch"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="mail-dispatched-number"]').text()).toBe('JJ410102-20261204-01')
    wrapper.unmount()
  })

  it('is read-only for a supervisor', async () => {
    fakeApi(loopHandlers() as Record<string, Handler>)
    const { wrapper } = await mountAs(MailView, 'supervisor')
    expect(wrapper.findAll('[data-test="mail-group"]').length).toBe(2)
    expect(wrapper.find('[data-test="mail-add"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('HomeAlerts', () => {
  it('adds stuck parcels and results waiting for the counter, with links', async () => {
    fakeApi({
      'SystemService.Info': () => ({ hallName: '郑州市中原区政务服务中心' }),
      'LedgerService.Alerts': () => ({ overdue: [], overdueCount: 0, badRatings: [], badRatingsCount: 0, badRatingsLate: 0, parcelsStuck: [] }),
      'MailService.Stuck': () => [{ caseId: 'c1', provisionalNo: '临-1', waybill: 'SF1', place: '330106', lastStatus: '运输中', lastEventAt: '', hours: 80.4 }],
      'HandlingService.Waiting': () => [{ caseId: 'c2', provisionalNo: '临-2', matterName: '社会保障卡申领', statusLabel: '已办结' }],
    })
    const { wrapper, router } = await mountAs(HomeAlerts, 'clerk')
    expect(wrapper.find('[data-test="alerts-stuck"]').text()).toContain('滞留邮件 1 件')
    expect(wrapper.find('[data-test="alerts-stuck-item"]').text()).toContain('临-1 · SF1 · 运输中 · 80 小时无更新')
    expect(wrapper.find('[data-test="alerts-waiting"]').text()).toContain('待交付结果 1 件')
    await wrapper.find('[data-test="alerts-waiting-item"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/cases/c2'))
    wrapper.unmount()
  })
})
