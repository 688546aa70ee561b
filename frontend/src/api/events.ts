import type { WailsWindow } from './transport'

export type Unsubscribe = () => void

/** EventSource delivers backend events (Wails events; none over HTTP yet). */
export interface EventSource {
  on(name: string, cb: (data: unknown) => void): Unsubscribe
}

/** chooseEvents uses window.runtime.EventsOn when the Wails runtime is there, else a no-op. */
export function chooseEvents(win: WailsWindow): EventSource {
  const eventsOn = win.runtime?.EventsOn
  if (typeof eventsOn !== 'function') {
    return { on: () => () => {} }
  }
  return {
    on(name, cb) {
      const off = eventsOn(name, (...data: unknown[]) => cb(data[0]))
      return typeof off === 'function' ? off : () => {}
    },
  }
}

export const EVENT_SYNC_STATUS = 'sync:status'
