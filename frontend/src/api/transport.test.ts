import { describe, expect, it, vi } from 'vitest'
import { chooseTransport, httpTransport, wailsTransport } from './transport'
import { ApiCallError, GENERIC_ZH, UNREACHABLE_ZH } from './errors'
import { chooseEvents } from './events'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('chooseTransport', () => {
  it('uses the Wails binding when window.go.app exists', async () => {
    const Login = vi.fn(async (u: unknown, p: unknown) => ({ username: u, p }))
    const fetchFn = vi.fn()
    const t = chooseTransport({ go: { app: { AuthService: { Login } } } }, fetchFn)
    expect(t.kind).toBe('wails')
    await expect(t.call('AuthService', 'Login', ['li', 'pw'])).resolves.toEqual({ username: 'li', p: 'pw' })
    expect(Login).toHaveBeenCalledWith('li', 'pw')
    expect(fetchFn).not.toHaveBeenCalled()
  })

  it('falls back to HTTP without window.go', async () => {
    const fetchFn = vi.fn(async () => jsonResponse(200, { needsSetup: true }))
    const t = chooseTransport({ go: {} }, fetchFn)
    expect(t.kind).toBe('http')
    await expect(t.call('AuthService', 'Status', [])).resolves.toEqual({ needsSetup: true })
    expect(fetchFn).toHaveBeenCalledTimes(1)
  })
})

describe('wailsTransport', () => {
  it('parses a rejected JSON string into ApiCallError', async () => {
    const err = { code: 'EUNAUTHORIZED', message: 'bad password', zh: '用户名或密码不正确' }
    const t = wailsTransport({ AuthService: { Login: () => Promise.reject(JSON.stringify(err)) } })
    const got = await t.call('AuthService', 'Login', ['a', 'b']).catch((e: unknown) => e)
    expect(got).toBeInstanceOf(ApiCallError)
    expect(got).toMatchObject(err)
  })

  it('gives a generic Chinese message for a non-JSON rejection', async () => {
    const t = wailsTransport({ X: { Y: () => Promise.reject('boom') } })
    const got = (await t.call('X', 'Y', []).catch((e: unknown) => e)) as ApiCallError
    expect(got.code).toBe('EINTERNAL')
    expect(got.zh).toBe(GENERIC_ZH)
    expect(got.message).toBe('boom')
  })

  it('reports a missing binding in Chinese', async () => {
    const t = wailsTransport({})
    const got = (await t.call('CatalogService', 'Search', []).catch((e: unknown) => e)) as ApiCallError
    expect(got.code).toBe('EINTERNAL')
    expect(got.zh).toMatch(/程序版本不匹配/)
  })
})

describe('httpTransport', () => {
  it('posts the arguments as a JSON array to /api/<Service>/<Method>', async () => {
    const fetchFn = vi.fn(async (_url: string, _init: RequestInit) => jsonResponse(200, { items: [], total: 0, versionId: 1 }))
    const t = httpTransport('', fetchFn)
    await t.call('CatalogService', 'Search', [{ text: '户口', limit: 10 }])
    const [url, init] = fetchFn.mock.calls[0]
    expect(url).toBe('/api/CatalogService/Search')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual([{ text: '户口', limit: 10 }])
  })

  it('returns null for an empty success body', async () => {
    const t = httpTransport('', async () => new Response('', { status: 200 }))
    await expect(t.call('AuthService', 'Logout', [])).resolves.toBeNull()
  })

  it('throws the ApiError of an {error} body, with rows and field', async () => {
    const body = {
      error: {
        code: 'EINVALID',
        message: 'bad rows',
        zh: '导入文件有错误',
        field: 'path',
        rows: [{ sheet: '附件2', row: 4, reason: '事项名称为空' }],
      },
    }
    const t = httpTransport('', async () => jsonResponse(400, body))
    const got = (await t.call('CatalogService', 'ImportXLSX', ['x.xlsx']).catch((e: unknown) => e)) as ApiCallError
    expect(got).toBeInstanceOf(ApiCallError)
    expect(got.code).toBe('EINVALID')
    expect(got.zh).toBe('导入文件有错误')
    expect(got.field).toBe('path')
    expect(got.rows).toEqual([{ sheet: '附件2', row: 4, reason: '事项名称为空' }])
  })

  it.each([
    [401, 'EUNAUTHORIZED'],
    [403, 'EFORBIDDEN'],
    [404, 'ENOTFOUND'],
    [409, 'ECONFLICT'],
    [423, 'ELOCKED'],
    [503, 'EOFFLINE'],
    [502, 'EINTERNAL'],
  ])('maps status %i without a body to %s', async (status, code) => {
    const t = httpTransport('', async () => new Response('<html>oops</html>', { status }))
    const got = (await t.call('A', 'B', []).catch((e: unknown) => e)) as ApiCallError
    expect(got.code).toBe(code)
    expect(got.zh).toBe(GENERIC_ZH)
  })

  it('says the service is unreachable when fetch fails', async () => {
    const t = httpTransport('', async () => {
      throw new TypeError('Failed to fetch')
    })
    const got = (await t.call('AuthService', 'Status', []).catch((e: unknown) => e)) as ApiCallError
    expect(got.zh).toBe(UNREACHABLE_ZH)
  })
})

describe('chooseEvents', () => {
  it('subscribes through window.runtime.EventsOn and unsubscribes', () => {
    const off = vi.fn()
    let handler: ((...d: unknown[]) => void) | undefined
    const EventsOn = vi.fn((_n: string, cb: (...d: unknown[]) => void) => {
      handler = cb
      return off
    })
    const ev = chooseEvents({ runtime: { EventsOn } })
    const got: unknown[] = []
    const unsub = ev.on('sync:status', (d) => got.push(d))
    handler?.({ state: 'connected' })
    unsub()
    expect(EventsOn.mock.calls[0][0]).toBe('sync:status')
    expect(got).toEqual([{ state: 'connected' }])
    expect(off).toHaveBeenCalledTimes(1)
  })

  it('is a no-op without the Wails runtime', () => {
    const ev = chooseEvents({})
    expect(() => ev.on('sync:status', () => {})()).not.toThrow()
  })
})
