import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CaseSummary } from '../api'
import { useHandlingApi } from '../api/handling'
import { useMailApi, type StuckParcel } from '../api/mail'

/**
 * Home alerts of the loop: parcels stuck with the courier (MailService.Stuck)
 * and results waiting for the counter (HandlingService.Waiting). Either call
 * failing (role, no hall, service missing) just shows nothing for it.
 */
export const useLoopAlertsStore = defineStore('loopAlerts', () => {
  const stuck = ref<StuckParcel[]>([])
  const waiting = ref<CaseSummary[]>([])
  const count = computed(() => stuck.value.length + waiting.value.length)

  async function load(opts: { stuck: boolean; waiting: boolean }) {
    const [s, w] = await Promise.all([
      opts.stuck ? useMailApi().stuck().catch(() => []) : Promise.resolve([]),
      opts.waiting ? useHandlingApi().waiting().catch(() => []) : Promise.resolve([]),
    ])
    stuck.value = s ?? []
    waiting.value = w ?? []
  }

  function clear() {
    stuck.value = []
    waiting.value = []
  }

  return { stuck, waiting, count, load, clear }
})
