import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { EVENT_SYNC_STATUS, useApi, useEvents, type SyncStatus } from '../api'

export const SYNC_POLL_MS = 30_000

export type BadgeTone = 'success' | 'danger' | 'info'

/** badgeTone: green only when connected; red when it should be but is not; grey otherwise. */
export function badgeTone(s: SyncStatus | null): BadgeTone {
  if (!s) return 'info'
  if (s.state === 'connected') return 'success'
  if (s.state === 'disconnected') return 'danger'
  return 'info'
}

function isSyncStatus(v: unknown): v is SyncStatus {
  return typeof v === 'object' && v !== null && typeof (v as SyncStatus).state === 'string'
}

/** Sync: the status badge, polled and pushed by the sync:status event. */
export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus | null>(null)
  const failedToAsk = ref(false)
  const tone = computed(() => badgeTone(failedToAsk.value ? null : status.value))
  let timer: ReturnType<typeof setInterval> | null = null
  let off: (() => void) | null = null

  async function refresh(): Promise<void> {
    try {
      status.value = await useApi().sync.status()
      failedToAsk.value = false
    } catch {
      failedToAsk.value = true
    }
  }

  function start(): void {
    stop()
    void refresh()
    timer = setInterval(() => void refresh(), SYNC_POLL_MS)
    off = useEvents().on(EVENT_SYNC_STATUS, (data) => {
      if (isSyncStatus(data)) {
        status.value = data
        failedToAsk.value = false
      }
    })
  }

  function stop(): void {
    if (timer !== null) clearInterval(timer)
    timer = null
    off?.()
    off = null
  }

  return { status, failedToAsk, tone, refresh, start, stop }
})
