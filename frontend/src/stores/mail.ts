import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { parseApiError, type ApiError } from '../api'
import { candidatePlaces, useMailApi, type BatchDetail, type Candidate, type MailBatch } from '../api/mail'

export interface CandidateGroup {
  place: string // '' = not given
  cases: Candidate[]
}

/** groupByPlace groups the candidates by handling place (a 多地联办 case shows under each of its places). */
export function groupByPlace(cs: Candidate[]): CandidateGroup[] {
  const m = new Map<string, Candidate[]>()
  for (const c of cs) {
    const ps = candidatePlaces(c)
    for (const p of ps.length ? ps : ['']) {
      if (!m.has(p)) m.set(p, [])
      m.get(p)!.push(c)
    }
  }
  return [...m.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b))).map(([place, cases]) => ({ place, cases }))
}

/** 寄递批次: candidates, open and dispatched batches with their items. */
export const useMailStore = defineStore('mail', () => {
  const candidates = ref<Candidate[]>([])
  const open = ref<BatchDetail[]>([])
  const dispatched = ref<MailBatch[]>([])
  const loading = ref(false)
  const busy = ref('') // id of what is being changed
  const error = ref<ApiError | null>(null)
  const groups = computed(() => groupByPlace(candidates.value))

  async function run<T>(key: string, fn: () => Promise<T>): Promise<T | null> {
    busy.value = key
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = parseApiError(e)
      return null
    } finally {
      busy.value = ''
    }
  }

  async function load() {
    loading.value = true
    error.value = null
    try {
      const api = useMailApi()
      const [c, o, d] = await Promise.all([api.candidates(''), api.batches('open'), api.batches('dispatched')])
      candidates.value = c ?? []
      dispatched.value = d ?? []
      open.value = await Promise.all((o ?? []).map((b) => api.batch(b.id)))
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      loading.value = false
    }
  }

  function putOpen(d: BatchDetail) {
    const i = open.value.findIndex((x) => x.batch.id === d.batch.id)
    if (d.batch.status !== 'open') {
      if (i >= 0) open.value.splice(i, 1)
      dispatched.value = [d.batch, ...dispatched.value.filter((b) => b.id !== d.batch.id)]
    } else if (i >= 0) open.value[i] = d
    else open.value.unshift(d)
  }

  /** add puts a case into the open batch for place (created if none); returns the batch with the case's waybill. */
  async function add(caseId: string, place: string): Promise<BatchDetail | null> {
    const d = await run(caseId, async () => {
      const api = useMailApi()
      const b = await api.openBatch(place)
      return api.addCase(b.id, caseId)
    })
    if (d) {
      putOpen(d)
      candidates.value = candidates.value.filter((c) => c.caseId !== caseId || candidatePlaces(c).length > 1)
      candidates.value = await useMailApi().candidates('').catch(() => candidates.value)
    }
    return d
  }

  async function remove(batchId: string, caseId: string, reason: string): Promise<BatchDetail | null> {
    const d = await run(caseId, () => useMailApi().removeCase(batchId, caseId, reason))
    if (d) {
      putOpen(d)
      candidates.value = await useMailApi().candidates('').catch(() => candidates.value)
    }
    return d
  }

  async function dispatch(batchId: string): Promise<BatchDetail | null> {
    const d = await run(batchId, () => useMailApi().dispatch(batchId))
    if (d) putOpen(d)
    return d
  }

  async function refreshTracking(): Promise<number | null> {
    const n = await run('tracking', () => useMailApi().refreshTracking())
    if (n !== null) await load()
    return n
  }

  return { candidates, open, dispatched, loading, busy, error, groups, load, add, remove, dispatch, refreshTracking }
})
