import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  parseApiError,
  useApi,
  type ApiError,
  type CatalogDiff,
  type CatalogVersion,
  type ImportResult,
  type RowError,
} from '../api'

/** Catalog versions: list, diff, activate, import. */
export const useVersionsStore = defineStore('versions', () => {
  const versions = ref<CatalogVersion[]>([])
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const diff = ref<CatalogDiff | null>(null)
  const diffLoading = ref(false)
  const importing = ref(false)
  const importRows = ref<RowError[]>([])
  const importError = ref<ApiError | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      versions.value = (await useApi().catalog.versions()) ?? []
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      loading.value = false
    }
  }

  async function compare(from: number, to: number): Promise<void> {
    diffLoading.value = true
    error.value = null
    try {
      diff.value = await useApi().catalog.diff(from, to)
    } catch (e) {
      error.value = parseApiError(e)
      diff.value = null
    } finally {
      diffLoading.value = false
    }
  }

  async function activate(id: number): Promise<CatalogVersion> {
    error.value = null
    try {
      const v = await useApi().catalog.activate(id)
      await load()
      return v
    } catch (e) {
      error.value = parseApiError(e)
      throw e
    }
  }

  /** chooseAndImport opens the backend's file dialog; null when cancelled. */
  async function chooseAndImport(): Promise<ImportResult | null> {
    importing.value = true
    importRows.value = []
    importError.value = null
    try {
      const r = await useApi().catalog.chooseAndImport()
      if (r) await load()
      return r
    } catch (e) {
      const err = parseApiError(e)
      importError.value = err
      importRows.value = err.rows ?? []
      throw e
    } finally {
      importing.value = false
    }
  }

  function clearImport() {
    importRows.value = []
    importError.value = null
  }

  return {
    versions,
    loading,
    error,
    diff,
    diffLoading,
    importing,
    importRows,
    importError,
    load,
    compare,
    activate,
    chooseAndImport,
    clearImport,
  }
})
