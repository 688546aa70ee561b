import { describe, expect, it } from 'vitest'
import { describeLoginError, lockEnd } from './loginError'
import { makeI18n } from '../i18n'
import { GENERIC_ZH } from '../api'

const i18n = makeI18n('zh-CN')
const t = (k: string, v?: Record<string, unknown>) => i18n.global.t(k, v ?? {})
const now = new Date(2024, 4, 1, 9, 0, 0)

describe('describeLoginError', () => {
  it('wrong password shows the backend Chinese message', () => {
    expect(describeLoginError({ code: 'EUNAUTHORIZED', message: 'x', zh: '用户名或密码不正确，还可尝试 3 次' }, t, now)).toBe(
      '用户名或密码不正确，还可尝试 3 次',
    )
  })

  it('wrong password without its own message gets ours', () => {
    expect(describeLoginError({ code: 'EUNAUTHORIZED', message: 'x', zh: GENERIC_ZH }, t, now)).toBe('用户名或密码不正确')
  })

  it('lockout names the end time when the message carries it', () => {
    const until = new Date(2024, 4, 1, 9, 15, 0)
    const got = describeLoginError({ code: 'ELOCKED', message: `locked until ${until.toISOString()}`, zh: '账号已锁定' }, t, now)
    expect(got).toBe('账号因多次输错密码已被锁定，将于 09:15 自动解锁')
  })

  it('lockout keeps a Chinese message that already says when', () => {
    const zh = '账号已锁定，请于 10:30 后再试'
    expect(describeLoginError({ code: 'ELOCKED', message: 'locked', zh }, t, now)).toBe(zh)
  })

  it('lockout without a time says it is locked', () => {
    expect(describeLoginError({ code: 'ELOCKED', message: 'locked', zh: GENERIC_ZH }, t, now)).toBe('账号因多次输错密码已被锁定')
  })

  it('lockout on another day shows the date', () => {
    const until = new Date(2024, 4, 2, 0, 5, 0)
    const got = describeLoginError({ code: 'ELOCKED', message: `until ${until.toISOString()}`, zh: '' }, t, now)
    expect(got).toContain('2024-05-02 00:05')
  })

  it('other errors show their zh', () => {
    expect(describeLoginError({ code: 'EINTERNAL', message: 'x', zh: '数据库忙' }, t, now)).toBe('数据库忙')
  })

  it('lockEnd ignores text without a time', () => {
    expect(lockEnd({ code: 'ELOCKED', message: 'locked', zh: '锁定' })).toBeNull()
  })
})
