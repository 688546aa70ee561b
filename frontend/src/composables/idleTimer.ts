/** Activity events that count as "someone is at the keyboard". */
export const ACTIVITY_EVENTS = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart', 'pointerdown'] as const

export interface IdleTimer {
  /** start listening and counting; a running timer restarts. */
  start(ms: number): void
  stop(): void
  /** activity marks the user as present (called by the listeners, or by hand). */
  activity(): void
  readonly running: boolean
}

export interface IdleTimerOptions {
  onIdle: () => void
  target?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null
  now?: () => number
}

/**
 * createIdleTimer calls onIdle once after ms of no activity. Activity only
 * stamps a time (cheap enough for mousemove); one timeout re-arms itself.
 */
export function createIdleTimer(opts: IdleTimerOptions): IdleTimer {
  const now = opts.now ?? (() => Date.now())
  let last = 0
  let limit = 0
  let handle: ReturnType<typeof setTimeout> | null = null
  let running = false

  const listener = () => activity()

  function arm(delay: number) {
    if (handle !== null) clearTimeout(handle)
    handle = setTimeout(check, Math.max(0, delay))
  }

  function check() {
    handle = null
    if (!running) return
    const idle = now() - last
    if (idle >= limit) {
      stop()
      opts.onIdle()
      return
    }
    arm(limit - idle)
  }

  function activity() {
    last = now()
  }

  function start(ms: number) {
    stop()
    if (!(ms > 0)) return
    limit = ms
    last = now()
    running = true
    for (const ev of ACTIVITY_EVENTS) opts.target?.addEventListener(ev, listener, { passive: true } as AddEventListenerOptions)
    arm(ms)
  }

  function stop() {
    if (handle !== null) clearTimeout(handle)
    handle = null
    if (running) {
      for (const ev of ACTIVITY_EVENTS) opts.target?.removeEventListener(ev, listener)
    }
    running = false
  }

  return {
    start,
    stop,
    activity,
    get running() {
      return running
    },
  }
}
