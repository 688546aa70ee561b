import { onBeforeUnmount, watch } from 'vue'
import { useAuthStore } from '../stores/auth'
import { createIdleTimer } from './idleTimer'

/** useIdleLock locks the screen after idleLockMinutes without keyboard or mouse input. */
export function useIdleLock(target: EventTarget | null = typeof window === 'undefined' ? null : window) {
  const auth = useAuthStore()
  const timer = createIdleTimer({ onIdle: () => void auth.lock(), target })

  const stopWatch = watch(
    () => [auth.user?.id ?? null, auth.locked, auth.idleLockMinutes] as const,
    ([id, locked, minutes]) => {
      if (id !== null && !locked && minutes > 0) timer.start(minutes * 60_000)
      else timer.stop()
    },
    { immediate: true },
  )

  onBeforeUnmount(() => {
    stopWatch()
    timer.stop()
  })
  return timer
}
