import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fakeApi } from '../test/fakeApi'
import { useSettingsStore } from './settings'
import { badgeTone, useSyncStore } from './sync'
import { useAuthStore } from './auth'
import { useVersionsStore } from './versions'
import { blankSettings } from '../util/settingsRules'
import type { SyncStatus } from '../api'

beforeEach(() => setActivePinia(createPinia()))

describe('badgeTone', () => {
  const s = (state: SyncStatus['state']): SyncStatus => ({ state, label: '', platformUrl: '', pending: 0, failed: 0 })
  it('is green only when connected', () => {
    expect(badgeTone(s('connected'))).toBe('success')
    expect(badgeTone(s('disconnected'))).toBe('danger')
    expect(badgeTone(s('not_configured'))).toBe('info')
    expect(badgeTone(null)).toBe('info')
  })

  it('goes grey when the status cannot be read', async () => {
    let fail = false
    fakeApi({
      'SyncService.Status': () => {
        if (fail) throw new Error('down')
        return { state: 'connected', label: '已连接平台', platformUrl: 'https://p', pending: 0, failed: 0 }
      },
    })
    const sync = useSyncStore()
    await sync.refresh()
    expect(sync.tone).toBe('success')
    fail = true
    await sync.refresh()
    expect(sync.tone).toBe('info')
  })
})

describe('settings store', () => {
  it('maps backend problems and an error field to keys', async () => {
    fakeApi({
      'SettingsService.Get': () => ({
        settings: blankSettings(),
        problems: [{ key: 'hall.divisionCode', message: 'bad', zh: '行政区划代码须为 6 位数字' }],
        path: '/etc/tongban.toml',
      }),
      'SettingsService.Save': () => {
        throw JSON.stringify({ code: 'EINVALID', message: 'bad url', zh: '平台地址格式不正确', field: 'platformUrl' })
      },
    })
    const s = useSettingsStore()
    await s.load()
    expect(s.fieldErrors['hall.divisionCode']).toBe('行政区划代码须为 6 位数字')
    expect(s.path).toBe('/etc/tongban.toml')
    expect(await s.save(blankSettings())).toBe(false)
    expect(s.fieldErrors.platformUrl).toBe('平台地址格式不正确')
  })
})

describe('auth store', () => {
  it('lock shows the lock screen even if the backend call fails, unlock clears it', async () => {
    const user = { id: 1, username: 'a', displayName: '甲', role: 'clerk', disabled: false, createdAt: '' }
    const { call } = fakeApi({
      'AuthService.Status': () => ({ needsSetup: false, user, locked: false, idleLockMinutes: 5 }),
      'AuthService.Lock': () => {
        throw new Error('offline')
      },
      'AuthService.Unlock': (pw) => {
        if (pw !== 'good1234') throw JSON.stringify({ code: 'EUNAUTHORIZED', message: 'x', zh: '密码不正确' })
        return user
      },
    })
    const auth = useAuthStore()
    await auth.refresh()
    await auth.lock()
    expect(auth.locked).toBe(true)
    await expect(auth.unlock('bad')).rejects.toBeTruthy()
    expect(auth.locked).toBe(true)
    expect(auth.error?.zh).toBe('密码不正确')
    await auth.unlock('good1234')
    expect(auth.locked).toBe(false)
    expect(call.mock.calls.map((c) => c[1])).toEqual(['Status', 'Lock', 'Unlock', 'Unlock'])
  })
})

describe('versions store', () => {
  it('keeps import row errors', async () => {
    fakeApi({
      'CatalogService.ChooseAndImport': () => {
        throw JSON.stringify({
          code: 'EINVALID',
          message: 'rows',
          zh: '导入文件有错误',
          rows: [
            { sheet: '附件2', row: 4, reason: '事项名称为空' },
            { sheet: '附件2', row: 9, column: '通办业务模式', reason: '未知的通办业务模式' },
          ],
        })
      },
    })
    const v = useVersionsStore()
    await expect(v.chooseAndImport()).rejects.toBeTruthy()
    expect(v.importRows.map((r) => r.row)).toEqual([4, 9])
    expect(v.importError?.zh).toBe('导入文件有错误')
  })

  it('a cancelled dialog is not an error', async () => {
    fakeApi({ 'CatalogService.ChooseAndImport': () => null })
    const v = useVersionsStore()
    await expect(v.chooseAndImport()).resolves.toBeNull()
    expect(v.importError).toBeNull()
  })
})
