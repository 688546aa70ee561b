import { ApiCallError, codeForStatus, GENERIC_ZH, parseApiError, toApiCallError, UNREACHABLE_ZH, asApiError } from './errors'

/** A Transport carries one service call to the Go side. */
export interface Transport {
  readonly kind: 'wails' | 'http' | 'mock'
  call<T>(service: string, method: string, args: unknown[]): Promise<T>
}

type BoundMethod = (...args: unknown[]) => Promise<unknown>
export type WailsBindings = Record<string, Record<string, BoundMethod | undefined> | undefined>

/** Minimal shape of the globals the Wails runtime injects. */
export interface WailsWindow {
  go?: { app?: WailsBindings }
  runtime?: { EventsOn?: (name: string, cb: (...data: unknown[]) => void) => (() => void) | void }
}

/** wailsTransport calls window.go.app.<Service>.<Method>(...args). */
export function wailsTransport(bindings: WailsBindings): Transport {
  return {
    kind: 'wails',
    async call<T>(service: string, method: string, args: unknown[]): Promise<T> {
      const fn = bindings[service]?.[method]
      if (typeof fn !== 'function') {
        throw new ApiCallError({
          code: 'EINTERNAL',
          message: `binding ${service}.${method} not found`,
          zh: '程序版本不匹配：找不到所需的功能接口，请重新安装通办工作台',
        })
      }
      try {
        return (await fn(...args)) as T
      } catch (e) {
        throw toApiCallError(e)
      }
    },
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** httpTransport calls POST {base}/api/<Service>/<Method> with a JSON array body. */
export function httpTransport(base = '', fetchFn: FetchLike = (i, init) => fetch(i, init)): Transport {
  return {
    kind: 'http',
    async call<T>(service: string, method: string, args: unknown[]): Promise<T> {
      let res: Response
      try {
        res = await fetchFn(`${base}/api/${service}/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(args),
        })
      } catch (e) {
        throw new ApiCallError({
          code: 'EINTERNAL',
          message: `request ${service}.${method}: ${e instanceof Error ? e.message : String(e)}`,
          zh: UNREACHABLE_ZH,
        })
      }
      const text = await res.text().catch(() => '')
      if (!res.ok) {
        let body: unknown = text
        try {
          body = JSON.parse(text) as unknown
        } catch {
          // keep the raw text
        }
        const fromBody =
          typeof body === 'object' && body !== null && 'error' in body
            ? asApiError((body as { error: unknown }).error)
            : asApiError(body)
        if (fromBody) throw new ApiCallError(fromBody)
        throw new ApiCallError({
          code: codeForStatus(res.status),
          message: `${service}.${method}: HTTP ${res.status}`,
          zh: GENERIC_ZH,
        })
      }
      if (text.trim() === '') return null as T
      try {
        return JSON.parse(text) as T
      } catch (e) {
        throw new ApiCallError({ ...parseApiError(e), message: `${service}.${method}: bad JSON response` })
      }
    },
  }
}

/** chooseTransport takes the Wails bindings when present, else HTTP. */
export function chooseTransport(win: WailsWindow, fetchFn?: FetchLike): Transport {
  const app = win.go?.app
  if (app) return wailsTransport(app)
  return httpTransport('', fetchFn)
}
