import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { parseApiError, useApi, type ApiError, type ConfigProblem, type Settings } from '../api'

/** Settings: the workstation configuration, with problems keyed by settings key. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const problems = ref<ConfigProblem[]>([])
  const path = ref('')
  const loading = ref(false)
  const saving = ref(false)
  const error = ref<ApiError | null>(null)

  /** fieldErrors maps a settings key (e.g. "hall.divisionCode") to its Chinese message. */
  const fieldErrors = computed<Record<string, string>>(() => {
    const out: Record<string, string> = {}
    for (const p of problems.value) out[p.key] = p.zh || p.message
    if (error.value?.field) out[error.value.field] = error.value.zh
    return out
  })

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const v = await useApi().settings.get()
      settings.value = v.settings
      problems.value = v.problems ?? []
      path.value = v.path
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      loading.value = false
    }
  }

  async function save(s: Settings): Promise<boolean> {
    saving.value = true
    error.value = null
    try {
      const v = await useApi().settings.save(s)
      settings.value = v.settings
      problems.value = v.problems ?? []
      path.value = v.path
      return problems.value.length === 0
    } catch (e) {
      error.value = parseApiError(e)
      return false
    } finally {
      saving.value = false
    }
  }

  return { settings, problems, path, loading, saving, error, fieldErrors, load, save }
})
