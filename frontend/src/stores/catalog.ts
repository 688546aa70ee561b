import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  parseApiError,
  useApi,
  type ApiError,
  type Batch,
  type CatalogQuery,
  type Facets,
  type Matter,
  type MatterSummary,
  type ServiceMode,
} from '../api'

export const SEARCH_DEBOUNCE_MS = 300
export const DEFAULT_PAGE_SIZE = 12

/** Catalog: search text, filters, paging and the open matter. */
export const useCatalogStore = defineStore('catalog', () => {
  const text = ref('')
  const department = ref('')
  const mode = ref<ServiceMode | ''>('')
  const batch = ref<Batch | ''>('')
  const page = ref(1)
  const pageSize = ref(DEFAULT_PAGE_SIZE)

  const items = ref<MatterSummary[]>([])
  const total = ref(0)
  const versionId = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<ApiError | null>(null)
  const facets = ref<Facets>({ departments: [], modes: [], batches: [] })

  const matter = ref<Matter | null>(null)
  const matterError = ref<ApiError | null>(null)
  const matterLoading = ref(false)

  let seq = 0
  let debounce: ReturnType<typeof setTimeout> | null = null

  const query = computed<CatalogQuery>(() => ({
    text: text.value.trim(),
    department: department.value,
    mode: mode.value,
    batch: batch.value,
    limit: pageSize.value,
    offset: (page.value - 1) * pageSize.value,
  }))

  const pageCount = computed(() => Math.max(1, Math.ceil(total.value / pageSize.value)))
  const hasFilters = computed(() => !!(text.value.trim() || department.value || mode.value || batch.value))

  /** load runs the current query; a slower earlier answer never overwrites a later one. */
  async function load(): Promise<void> {
    cancelDebounce()
    const my = ++seq
    loading.value = true
    error.value = null
    try {
      const res = await useApi().catalog.search({ ...query.value })
      if (my !== seq) return
      items.value = res.items ?? []
      total.value = res.total
      versionId.value = res.versionId
      loaded.value = true
      // a page past the end (after a filter shrank the list): go to the last page
      if (items.value.length === 0 && total.value > 0 && page.value > 1) {
        page.value = pageCount.value
        await load()
      }
    } catch (e) {
      if (my !== seq) return
      error.value = parseApiError(e)
      items.value = []
      total.value = 0
    } finally {
      if (my === seq) loading.value = false
    }
  }

  function cancelDebounce() {
    if (debounce !== null) clearTimeout(debounce)
    debounce = null
  }

  /** setText changes the search text and searches after a pause in typing. */
  function setText(v: string) {
    text.value = v
    page.value = 1
    cancelDebounce()
    debounce = setTimeout(() => {
      debounce = null
      void load()
    }, SEARCH_DEBOUNCE_MS)
  }

  function setDepartment(v: string) {
    department.value = v
    page.value = 1
    return load()
  }

  function setMode(v: ServiceMode | '') {
    mode.value = v
    page.value = 1
    return load()
  }

  function setBatch(v: Batch | '') {
    batch.value = v
    page.value = 1
    return load()
  }

  function setPage(n: number) {
    page.value = Math.min(Math.max(1, Math.floor(n)), pageCount.value)
    return load()
  }

  function setPageSize(n: number) {
    pageSize.value = n
    page.value = 1
    return load()
  }

  function resetFilters() {
    text.value = ''
    department.value = ''
    mode.value = ''
    batch.value = ''
    page.value = 1
    return load()
  }

  async function loadFacets(): Promise<void> {
    try {
      const f = await useApi().catalog.facets()
      facets.value = { departments: f.departments ?? [], modes: f.modes ?? [], batches: f.batches ?? [] }
    } catch (e) {
      error.value = parseApiError(e)
    }
  }

  async function open(code: string): Promise<Matter | null> {
    matterLoading.value = true
    matterError.value = null
    if (matter.value?.code !== code) matter.value = null
    try {
      matter.value = await useApi().catalog.get(code)
    } catch (e) {
      matterError.value = parseApiError(e)
      matter.value = null
    } finally {
      matterLoading.value = false
    }
    return matter.value
  }

  return {
    text,
    department,
    mode,
    batch,
    page,
    pageSize,
    items,
    total,
    versionId,
    loading,
    loaded,
    error,
    facets,
    matter,
    matterError,
    matterLoading,
    query,
    pageCount,
    hasFilters,
    load,
    setText,
    setDepartment,
    setMode,
    setBatch,
    setPage,
    setPageSize,
    resetFilters,
    loadFacets,
    open,
  }
})
