import { vi } from 'vitest'
import { createApi, setApi, type Api, type Transport } from '../api'

export type Handler = (...args: unknown[]) => unknown

/** fakeApi installs an Api whose transport answers from handlers ("Service.Method"). */
export function fakeApi(handlers: Record<string, Handler>) {
  const call = vi.fn(async (service: string, method: string, args: unknown[]) => {
    const h = handlers[`${service}.${method}`]
    if (!h) throw new Error(`no fake for ${service}.${method}`)
    return h(...args)
  })
  const transport = { kind: 'mock', call } as unknown as Transport
  const api: Api = createApi(transport)
  setApi(api)
  return { api, call }
}
