import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { parseApiError, type ApiError, type CaseResult } from '../api'
import { useRatingApi, type FollowUpKind, type FollowUpStep, type RatingOptions, type Visit } from '../api/rating'

/** levelForKey maps the number keys 1–5 (main row or keypad) to a level. */
export function levelForKey(key: string): number | null {
  const k = key.replace(/^Numpad/, '').replace(/^Digit/, '')
  return /^[1-5]$/.test(k) ? Number(k) : null
}

/** 好差评: the applicant's rating of one visit and the hall's follow-up steps. */
export const useRatingStore = defineStore('rating', () => {
  const options = ref<RatingOptions | null>(null)
  const level = ref(0)
  const reasons = ref<string[]>([])
  const comment = ref('')
  const busy = ref(false)
  const error = ref<ApiError | null>(null)
  const result = ref<CaseResult | null>(null)
  /** local problem before anything is sent: 'needLevel' | 'needReason' */
  const problem = ref('')

  const bad = computed(() => level.value > 0 && level.value <= 2)
  const followUpDue = computed(() => {
    const rs = (result.value?.state as { ratings?: { visit: string; followUpDue?: string }[] } | undefined)?.ratings
    return rs?.find((r) => r.followUpDue)?.followUpDue ?? ''
  })

  async function loadOptions() {
    if (options.value) return options.value
    try {
      options.value = await useRatingApi().options()
    } catch (e) {
      error.value = parseApiError(e)
    }
    return options.value
  }

  function reset() {
    level.value = 0
    reasons.value = []
    comment.value = ''
    error.value = null
    result.value = null
    problem.value = ''
  }

  function choose(l: number) {
    if (l < 1 || l > 5 || result.value) return
    level.value = l
    problem.value = ''
    if (l > 2) reasons.value = []
  }

  function toggleReason(r: string) {
    reasons.value = reasons.value.includes(r) ? reasons.value.filter((x) => x !== r) : [...reasons.value, r]
    problem.value = ''
  }

  async function submit(caseId: string, basedOn: number, visit: Visit): Promise<CaseResult | null> {
    if (!level.value) {
      problem.value = 'needLevel'
      return null
    }
    if (bad.value && reasons.value.length === 0) {
      problem.value = 'needReason'
      return null
    }
    busy.value = true
    error.value = null
    try {
      const r = await useRatingApi().rate(caseId, basedOn, {
        visit,
        level: level.value,
        comment: comment.value.trim() || undefined,
        reasons: bad.value ? reasons.value : undefined,
        channel: 'counter',
      })
      result.value = r
      return r
    } catch (e) {
      error.value = parseApiError(e)
      return null
    } finally {
      busy.value = false
    }
  }

  async function followUp(caseId: string, basedOn: number, kind: FollowUpKind, step: FollowUpStep): Promise<CaseResult | null> {
    busy.value = true
    error.value = null
    try {
      return await useRatingApi().followUp(caseId, basedOn, kind, step)
    } catch (e) {
      error.value = parseApiError(e)
      return null
    } finally {
      busy.value = false
    }
  }

  return { options, level, reasons, comment, busy, error, result, problem, bad, followUpDue, loadOptions, reset, choose, toggleReason, submit, followUp }
})
