import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { fakeApi } from './test/fakeApi'
import { mountWith, settle } from './test/mountApp'
import LoginView from './views/LoginView.vue'
import App from './App.vue'
import { useIdleLock } from './composables/useIdleLock'
import { useAuthStore } from './stores/auth'

const admin = { id: 1, username: 'admin', displayName: '王管理', role: 'admin', disabled: false, createdAt: '' }

beforeEach(() => {
  document.body.innerHTML = ''
  window.requestAnimationFrame = (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0) as unknown as number
})
afterEach(() => vi.useRealTimers())

async function login(wrapper: Awaited<ReturnType<typeof mountWith>>['wrapper'], u: string, p: string) {
  await wrapper.find('input[data-test="login-username"]').setValue(u)
  await wrapper.find('input[data-test="login-password"]').setValue(p)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}

describe('LoginView', () => {
  it('says clearly when the password is wrong and clears it', async () => {
    fakeApi({
      'AuthService.Login': () => {
        throw JSON.stringify({ code: 'EUNAUTHORIZED', message: 'bad credentials', zh: '用户名或密码不正确' })
      },
    })
    const { wrapper } = await mountWith(LoginView)
    await login(wrapper, 'admin', 'nope1234')
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('用户名或密码不正确')
    expect((wrapper.find('input[data-test="login-password"]').element as HTMLInputElement).value).toBe('')
    wrapper.unmount()
  })

  it('says when a lockout ends', async () => {
    const until = new Date(Date.now() + 15 * 60_000)
    fakeApi({
      'AuthService.Login': () => {
        throw JSON.stringify({ code: 'ELOCKED', message: `locked until ${until.toISOString()}`, zh: '账号已锁定' })
      },
    })
    const { wrapper } = await mountWith(LoginView)
    await login(wrapper, 'admin', 'nope1234')
    const hh = String(until.getHours()).padStart(2, '0')
    const mm = String(until.getMinutes()).padStart(2, '0')
    expect(wrapper.find('[data-test="login-error"]').text()).toContain(`将于 ${hh}:${mm} 自动解锁`)
    wrapper.unmount()
  })

  it('asks for both fields before calling the backend', async () => {
    const { call } = fakeApi({})
    const { wrapper } = await mountWith(LoginView)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(call).not.toHaveBeenCalled()
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('请输入用户名和密码')
    wrapper.unmount()
  })
})

describe('App gate', () => {
  it('shows the recovery screen and never the login when the database needs recovery', async () => {
    const { call } = fakeApi({
      'SystemService.Recovery': () => ({
        needed: true,
        problem: { code: 'ECORRUPT', message: 'malformed', zh: '本机数据库文件已损坏' },
        latestBackup: { name: 'b1.db', path: '/x/b1.db', size: 10, createdAt: '2024-05-01T09:00:00Z' },
        backups: [{ name: 'b1.db', path: '/x/b1.db', size: 10, createdAt: '2024-05-01T09:00:00Z' }],
      }),
      'SystemService.UIReady': () => null,
    })
    const { wrapper } = await mountWith(App)
    await settle(10)
    expect(wrapper.find('[data-test="recovery-problem"]').text()).toContain('本机数据库文件已损坏')
    expect(wrapper.find('[data-test="restore-latest"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="login-username"]').exists()).toBe(false)
    expect(call.mock.calls.some((c) => c[0] === 'AuthService')).toBe(false)
    expect(call.mock.calls.filter((c) => c[1] === 'UIReady').map((c) => c[2])).toEqual([['recovery']])
    wrapper.unmount()
  })

  it('shows setup when no user exists', async () => {
    fakeApi({
      'SystemService.Recovery': () => ({ needed: false, backups: [] }),
      'SystemService.Info': () => ({ version: '1', dataDir: '', dbPath: '', schemaVersion: 1, deviceId: 'd', hallName: '' }),
      'SystemService.UIReady': () => null,
      'AuthService.Status': () => ({ needsSetup: true, locked: false, idleLockMinutes: 10 }),
    })
    const { wrapper } = await mountWith(App)
    await settle(10)
    expect(wrapper.find('[data-test="setup-username"]').exists()).toBe(true)
    expect(wrapper.text()).toContain('没有默认密码')
    wrapper.unmount()
  })
})

describe('useIdleLock', () => {
  it('locks after idleLockMinutes without input and not before', async () => {
    vi.useFakeTimers()
    const { call } = fakeApi({ 'AuthService.Lock': () => null })
    const target = new EventTarget()
    const Host = defineComponent({
      setup() {
        useIdleLock(target)
        return () => h('div')
      },
    })
    const { wrapper } = await mountWith(Host)
    const auth = useAuthStore()
    auth.status = { needsSetup: false, user: admin as never, locked: false, idleLockMinutes: 2 }
    await vi.advanceTimersByTimeAsync(90_000)
    target.dispatchEvent(new Event('keydown'))
    await vi.advanceTimersByTimeAsync(90_000)
    expect(auth.locked).toBe(false)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(auth.locked).toBe(true)
    expect(call).toHaveBeenCalledWith('AuthService', 'Lock', [])
    wrapper.unmount()
  })
})
