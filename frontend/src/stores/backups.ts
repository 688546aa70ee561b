import { defineStore } from 'pinia'
import { ref } from 'vue'
import { parseApiError, useApi, type ApiError, type BackupInfo } from '../api'

/** Backups: list and back up now (admin). */
export const useBackupsStore = defineStore('backups', () => {
  const backups = ref<BackupInfo[]>([])
  const loading = ref(false)
  const running = ref(false)
  const error = ref<ApiError | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      backups.value = (await useApi().system.listBackups()) ?? []
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      loading.value = false
    }
  }

  async function backupNow(): Promise<BackupInfo> {
    running.value = true
    error.value = null
    try {
      const b = await useApi().system.backup()
      await load()
      return b
    } catch (e) {
      error.value = parseApiError(e)
      throw e
    } finally {
      running.value = false
    }
  }

  return { backups, loading, running, error, load, backupNow }
})
