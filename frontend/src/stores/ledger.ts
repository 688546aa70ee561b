import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { parseApiError, type ApiError } from '../api'
import { byMode, useLedgerApi, type Alerts, type ExportResult, type LedgerQuery, type LedgerReport, type LedgerRow, type Period } from '../api/ledger'

export type Dimension = 'matter' | 'mode'

/** isoDay formats a date as YYYY-MM-DD in local time. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** The work ledger (工作台账): period, dimension, report and export. */
export const useLedgerStore = defineStore('ledger', () => {
  const period = ref<Period>('month')
  const anchor = ref(isoDay(new Date()))
  const range = ref<[string, string] | null>(null)
  const dimension = ref<Dimension>('matter')
  const report = ref<LedgerReport | null>(null)
  const exported = ref<ExportResult | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)

  const query = computed<LedgerQuery>(() =>
    period.value === 'custom'
      ? { period: 'custom', from: range.value?.[0] ?? '', to: range.value?.[1] ?? '' }
      : { period: period.value, anchor: anchor.value || undefined },
  )
  const rows = computed<LedgerRow[]>(() => {
    const rs = report.value?.rows ?? []
    return dimension.value === 'mode' ? byMode(rs) : rs
  })

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

  async function load() {
    const r = await run(() => useLedgerApi().report(query.value))
    if (r) report.value = r
    return r
  }

  async function exportXlsx() {
    exported.value = null
    const r = await run(() => useLedgerApi().export(query.value))
    if (r) exported.value = r
    return r
  }

  return { period, anchor, range, dimension, report, exported, loading, error, query, rows, load, exportXlsx }
})

/** Home-screen alerts: overdue cases and bad ratings waiting for follow-up. */
export const useAlertsStore = defineStore('alerts', () => {
  const alerts = ref<Alerts | null>(null)
  const error = ref<ApiError | null>(null)
  const count = computed(() => (alerts.value ? alerts.value.overdueCount + alerts.value.badRatingsCount : 0))

  async function load() {
    error.value = null
    try {
      alerts.value = await useLedgerApi().alerts()
    } catch (e) {
      error.value = parseApiError(e)
    }
    return alerts.value
  }

  return { alerts, error, count, load }
})
