import { defineStore } from 'pinia'
import { ref } from 'vue'
import { parseApiError, useApi, type ApiError, type Recovery, type SystemInfo } from '../api'

/** System: recovery gate, system info and the one-time UIReady signal. */
export const useSystemStore = defineStore('system', () => {
  const recovery = ref<Recovery | null>(null)
  const info = ref<SystemInfo | null>(null)
  const error = ref<ApiError | null>(null)
  const restoring = ref(false)
  let readySent = false

  async function checkRecovery(): Promise<Recovery | null> {
    error.value = null
    try {
      recovery.value = await useApi().system.recovery()
    } catch (e) {
      error.value = parseApiError(e)
      recovery.value = null
    }
    return recovery.value
  }

  async function loadInfo(): Promise<void> {
    try {
      info.value = await useApi().system.info()
    } catch {
      info.value = null // optional: the shell works without it
    }
  }

  /** restore asks the backend to restore a backup; returns the new Recovery state. */
  async function restore(name: string): Promise<Recovery> {
    restoring.value = true
    error.value = null
    try {
      const r = await useApi().system.restoreBackup(name)
      recovery.value = r
      return r
    } catch (e) {
      error.value = parseApiError(e)
      throw e
    } finally {
      restoring.value = false
    }
  }

  /** uiReady tells the backend, once per page load, which screen rendered first. */
  function uiReady(screen: string): void {
    if (readySent) return
    readySent = true
    useApi()
      .system.uiReady(screen)
      .catch(() => {
        // the signal is advisory (smoke test, benchmark): never bother the user
      })
  }

  return { recovery, info, error, restoring, checkRecovery, loadInfo, restore, uiReady }
})
