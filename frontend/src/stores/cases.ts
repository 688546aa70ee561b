import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  parseApiError,
  useApi,
  type ApiError,
  type AuditEntry,
  type CaseDetail,
  type CaseQuery,
  type CaseQueue,
  type CaseSummary,
  type Draft,
} from '../api'

/** looksLikeId tells an ID number from a name or a case number in the one search box. */
export function classifyQuery(text: string): CaseQuery {
  const t = text.trim()
  if (!t) return {}
  const compact = t.replace(/[\s\u3000]/g, '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
  if (t.startsWith('临-') || /^[A-Z]{2,}-?\d{6,}/.test(compact)) return { caseNo: t }
  if (/^\d{17}[\dXx]$/.test(compact) || /^[A-Za-z]{3}\d{12}$/.test(compact)) return { idNumber: compact }
  if (/^\+?\d[\d-]{6,}$/.test(compact)) return { phone: compact }
  return { name: t }
}

/** Cases: the home queue, search, one case's detail and audit, the approval queue. */
export const useCasesStore = defineStore('cases', () => {
  const queue = ref<CaseQueue | null>(null)
  const drafts = ref<Draft[]>([])
  const results = ref<CaseSummary[]>([])
  const more = ref(false)
  const query = ref<CaseQuery>({})
  const detail = ref<CaseDetail | null>(null)
  const audit = ref<AuditEntry[]>([])
  const approvals = ref<CaseSummary[]>([])
  const loading = ref(false)
  const error = ref<ApiError | null>(null)

  async function run<T>(fn: () => Promise<T>): Promise<T | null> {
    loading.value = true
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = parseApiError(e)
      return null
    } finally {
      loading.value = false
    }
  }

  async function loadQueue(withDrafts: boolean) {
    await run(async () => {
      queue.value = await useApi().cases.homeQueue(100)
      drafts.value = withDrafts ? ((await useApi().cases.listDrafts()) ?? []) : []
    })
  }

  async function search(q: CaseQuery, offset = 0) {
    query.value = q
    const page = await run(() => useApi().cases.search({ ...q, limit: 50, offset }))
    if (page) {
      results.value = offset === 0 ? (page.items ?? []) : [...results.value, ...(page.items ?? [])]
      more.value = page.more
    }
  }

  async function open(caseId: string, full = false) {
    const d = await run(() => useApi().cases.detail(caseId, full))
    if (d) detail.value = d
    const a = await run(() => useApi().cases.audit(caseId))
    if (a) audit.value = a
    return d
  }

  async function loadApprovals() {
    const a = await run(() => useApi().cases.approvalQueue())
    if (a) approvals.value = a
  }

  /** decideApproval checks the case out if needed and approves or returns it. */
  async function decideApproval(s: CaseSummary, approve: boolean, reason: string, me: string) {
    return run(async () => {
      const api = useApi().cases
      let version = s.version
      if (s.checkedOutBy !== me) version = (await api.checkout(s.caseId, version)).state.version
      const r = approve ? await api.approve(s.caseId, version, reason) : await api.return(s.caseId, version, reason)
      await loadApprovals()
      return r
    })
  }

  async function checkout(s: CaseSummary) {
    const r = await run(() => useApi().cases.checkout(s.caseId, s.version))
    await loadApprovals()
    return r
  }

  async function release(s: CaseSummary) {
    const r = await run(() => useApi().cases.release(s.caseId, s.version, ''))
    await loadApprovals()
    return r
  }

  return {
    queue,
    drafts,
    results,
    more,
    query,
    detail,
    audit,
    approvals,
    loading,
    error,
    loadQueue,
    search,
    open,
    loadApprovals,
    decideApproval,
    checkout,
    release,
  }
})
