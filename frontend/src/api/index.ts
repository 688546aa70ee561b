// The one place the UI reaches the Go services. Stores call useApi(); tests
// and the dev-only mock swap the implementation with setApi().
import { createApi, type Api } from './services'
import { chooseTransport, type WailsWindow } from './transport'
import { chooseEvents, type EventSource } from './events'

export * from './types'
export * from './errors'
export { createApi, type Api } from './services'
export { chooseTransport, httpTransport, wailsTransport, type Transport } from './transport'
export { chooseEvents, EVENT_SYNC_STATUS, type EventSource } from './events'

let current: Api | null = null
let events: EventSource | null = null

function win(): WailsWindow {
  return (typeof window === 'undefined' ? {} : window) as WailsWindow
}

export function useApi(): Api {
  if (!current) current = createApi(chooseTransport(win()))
  return current
}

export function useEvents(): EventSource {
  if (!events) events = chooseEvents(win())
  return events
}

/** setApi replaces the API (tests, dev mock). Passing null goes back to auto-detection. */
export function setApi(api: Api | null, ev: EventSource | null = null): void {
  current = api
  events = ev
}
