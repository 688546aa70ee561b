import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { fakeApi } from '../test/fakeApi'
import { settle } from '../test/mountApp'
import { makeI18n } from '../i18n'
import { useAuthStore } from '../stores/auth'
import type { CaseState, Role } from '../api'
import OfflineCheckout from './OfflineCheckout.vue'

beforeEach(() => {
  document.body.innerHTML = ''
})

async function mountAs(role: Role, state: Record<string, unknown>) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useAuthStore(pinia).status = {
    needsSetup: false,
    locked: false,
    idleLockMinutes: 10,
    user: { id: 1, username: 'u1', displayName: '张窗口', role, disabled: false, createdAt: '' },
  }
  const w = mount(OfflineCheckout, {
    attachTo: document.body,
    props: { state: { caseId: 'c1', version: 3, ...state } as unknown as CaseState },
    global: { plugins: [pinia, makeI18n('zh-CN'), ElementPlus] },
  })
  await flushPromises()
  await settle()
  return w
}

describe('OfflineCheckout', () => {
  it('checks a case out on the platform and reports who holds it when refused', async () => {
    const { call } = fakeApi({
      'SyncService.CheckOut': () => ({ caseId: 'c1', granted: false, heldBy: 'clerk2', version: 4, message: '该办件已由 clerk2 签出' }),
    })
    const w = await mountAs('clerk', { status: 'reviewing' })
    const btn = w.find('[data-test="checkout-offline"]')
    expect(btn.exists()).toBe(true)
    await btn.trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('SyncService', 'CheckOut', ['c1'])
    expect(w.emitted('changed')).toHaveLength(1)
    expect(document.body.textContent).toContain('该办件已由 clerk2 签出')
  })

  it('offers check-in to the holder only, and nothing to a supervisor or in a final status', async () => {
    fakeApi({})
    expect((await mountAs('handler', { status: 'handling', checkedOutBy: 'u1' })).find('[data-test="checkin-offline"]').exists()).toBe(true)
    expect((await mountAs('handler', { status: 'handling', checkedOutBy: 'other' })).find('button').exists()).toBe(false)
    expect((await mountAs('supervisor', { status: 'reviewing' })).find('button').exists()).toBe(false)
    expect((await mountAs('clerk', { status: 'closed' })).find('button').exists()).toBe(false)
  })

  it('shows the Chinese reason when offline', async () => {
    fakeApi({
      'SyncService.CheckOut': () => {
        throw JSON.stringify({ code: 'EOFFLINE', message: 'offline', zh: '签出/签入须连接省级平台' })
      },
    })
    const w = await mountAs('clerk', { status: 'received' })
    await w.find('[data-test="checkout-offline"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-test="checkout-error"]').text()).toContain('须连接省级平台')
  })
})
