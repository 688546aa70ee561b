import { defineStore } from 'pinia'
import { ref } from 'vue'
import { parseApiError, type ApiError, type CaseResult } from '../api'
import { useHandlingApi, type DecideInput, type HandOverInput, type InboxItem, type InboxStatus } from '../api/handling'

/** decideIssue names what is missing in a decision (a flow.decide.* key), or null. */
export function decideIssue(d: Pick<DecideInput, 'decision' | 'reasons' | 'result' | 'fileName'>): string | null {
  if (d.decision === 'refuse' && !d.reasons.some((r) => r.trim())) return 'flow.decide.needReasons'
  if (d.decision === 'approve' && !d.result.trim()) return 'flow.decide.needResult'
  if (d.fileName && !/\.pdf$/i.test(d.fileName)) return 'flow.decide.badFile'
  return null
}

/** handOverIssue names what is missing in a handover (a flow.handover.* key), or null. */
export function handOverIssue(h: Pick<HandOverInput, 'method' | 'recipient' | 'idNumber' | 'source'>): string | null {
  if (h.method !== 'counter') return null
  if (!h.recipient.trim()) return 'flow.handover.needRecipient'
  if (!h.idNumber.trim() || !h.source) return 'flow.handover.needIdentity'
  return null
}

/** reasonLines splits a textarea into trimmed, non-empty reasons. */
export function reasonLines(s: string): string[] {
  return s
    .split(/\r?\n/)
    .map((r) => r.trim())
    .filter(Boolean)
}

/** 办理地收件箱: the inbox tabs and signing for parcels by waybill. */
export const useInboxStore = defineStore('inbox', () => {
  const tab = ref<Exclude<InboxStatus, ''>>('waiting')
  const items = ref<InboxItem[]>([])
  const loading = ref(false)
  const error = ref<ApiError | null>(null)

  async function load() {
    loading.value = true
    error.value = null
    try {
      items.value = (await useHandlingApi().inbox(tab.value)) ?? []
    } catch (e) {
      error.value = parseApiError(e)
      items.value = []
    } finally {
      loading.value = false
    }
  }

  /** sign signs for a parcel by its waybill; throws the Go error (the scan box shows it). */
  async function sign(waybill: string, caseId = ''): Promise<CaseResult> {
    const r = await useHandlingApi().signByWaybill(waybill, caseId)
    void load()
    return r
  }

  return { tab, items, loading, error, load, sign }
})
