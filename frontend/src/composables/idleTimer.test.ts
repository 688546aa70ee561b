import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createIdleTimer } from './idleTimer'

describe('createIdleTimer', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('fires once after the idle time', () => {
    const onIdle = vi.fn()
    const t = createIdleTimer({ onIdle })
    t.start(60_000)
    vi.advanceTimersByTime(59_999)
    expect(onIdle).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onIdle).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(600_000)
    expect(onIdle).toHaveBeenCalledTimes(1)
    expect(t.running).toBe(false)
  })

  it('input from the target postpones it', () => {
    const onIdle = vi.fn()
    const target = new EventTarget()
    const t = createIdleTimer({ onIdle, target })
    t.start(60_000)
    vi.advanceTimersByTime(50_000)
    target.dispatchEvent(new Event('keydown'))
    vi.advanceTimersByTime(50_000)
    expect(onIdle).not.toHaveBeenCalled()
    target.dispatchEvent(new Event('mousemove'))
    vi.advanceTimersByTime(59_000)
    expect(onIdle).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1_000)
    expect(onIdle).toHaveBeenCalledTimes(1)
  })

  it('stop removes listeners and never fires', () => {
    const onIdle = vi.fn()
    const target = new EventTarget()
    const remove = vi.spyOn(target, 'removeEventListener')
    const t = createIdleTimer({ onIdle, target })
    t.start(1_000)
    t.stop()
    vi.advanceTimersByTime(10_000)
    expect(onIdle).not.toHaveBeenCalled()
    expect(remove).toHaveBeenCalled()
  })

  it('does nothing for a zero limit', () => {
    const onIdle = vi.fn()
    const t = createIdleTimer({ onIdle })
    t.start(0)
    vi.advanceTimersByTime(1_000_000)
    expect(onIdle).not.toHaveBeenCalled()
    expect(t.running).toBe(false)
  })
})
