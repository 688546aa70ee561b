import { defineStore } from 'pinia'
import { bilingual, invalidError, type Params } from '../i18n/text'
import { computed, ref } from 'vue'
import {
  parseApiError,
  useApi,
  type ApiError,
  type Card,
  type CaseResult,
  type CaseSummary,
  type CheckedCard,
  type DocType,
  type Draft,
  type FormField,
  type Guide,
  type IdValidation,
  type MaterialItem,
  type Matter,
  type ServiceMode,
  type SupplementItem,
} from '../api'

/** The wizard's steps, in order. */
export const STEPS = ['matter', 'applicant', 'identity', 'form', 'materials', 'review', 'confirm', 'decision'] as const
export type Step = (typeof STEPS)[number]
export type Decision = 'accept' | 'supplement' | 'refuse'

export interface PersonForm {
  name: string
  idType: DocType | ''
  idNumber: string
  country: string
  phone: string
  address: string
  validUntil: string
}

/** IntakeData is everything the clerk entered; it is the draft's JSON. */
export interface IntakeData {
  step: number
  matter: { code: string; name: string; modes: ServiceMode[] } | null
  mode: ServiceMode | ''
  applicant: PersonForm
  hasAgent: boolean
  agent: PersonForm
  identity: CheckedCard | null
  agentIdentity: CheckedCard | null
  form: Record<string, string>
  materials: MaterialItem[]
  findings: { item: string; reason: string }[]
  decision: Decision | ''
  refuseReasons: string
  caseId: string
  version: number
}

export function emptyPerson(): PersonForm {
  return { name: '', idType: '', idNumber: '', country: '', phone: '', address: '', validUntil: '' }
}

export function emptyData(): IntakeData {
  return {
    step: 0,
    matter: null,
    mode: '',
    applicant: emptyPerson(),
    hasAgent: false,
    agent: emptyPerson(),
    identity: null,
    agentIdentity: null,
    form: {},
    materials: [],
    findings: [],
    decision: '',
    refuseReasons: '',
    caseId: '',
    version: 0,
  }
}

/** checklistFromGuide makes the materials checklist: required items received as the guide asks, others not applicable. */
export function checklistFromGuide(g: Guide | undefined | null): MaterialItem[] {
  return (g?.materials ?? []).map((m) => ({
    id: m.id,
    name: m.name,
    status: m.required ? 'received' : 'not_applicable',
    form: m.form === '原件或复印件' ? '原件' : (m.form as MaterialItem['form']),
    pages: m.required ? Math.max(1, m.copies) : 0,
    checkedOriginal: false,
    licenceRef: '',
    required: m.required,
    problem: '',
  }))
}

/** prefillForm copies applicant and agent data into the matter's form fields that ask for them again. */
export function prefillForm(fields: FormField[], d: IntakeData): Record<string, string> {
  const out: Record<string, string> = { ...d.form }
  const a = d.applicant
  const byKey: Record<string, string> = {
    name: a.name,
    applicantName: a.name,
    idNo: a.idNumber,
    idNumber: a.idNumber,
    phone: a.phone,
    householdAddress: a.address,
    address: a.address,
    agentName: d.hasAgent ? d.agent.name : '',
    agentIdNo: d.hasAgent ? d.agent.idNumber : '',
  }
  for (const f of fields) {
    if (out[f.key]) continue
    if (byKey[f.key]) out[f.key] = byKey[f.key]
    else if (f.key === 'agent' && f.options?.length) {
      out[f.key] = f.options.find((o) => (d.hasAgent ? o.includes('委托') : o.includes('本人'))) ?? ''
    } else if (f.type === 'idno' && /申请人|公民身份/.test(f.label) && !/代办/.test(f.label)) out[f.key] = a.idNumber
    else if (f.type === 'phone' && !/代办/.test(f.label)) out[f.key] = a.phone
  }
  return out
}

/** findingsFromMaterials turns every missing or faulty material into a review finding. */
export function findingsFromMaterials(items: MaterialItem[]): { item: string; reason: string }[] {
  return items
    .filter((m) => m.status === 'missing' || m.status === 'faulty')
    .map((m) => ({ item: m.id, reason: m.problem?.trim() || (m.status === 'missing' ? `缺少“${m.name}”` : `“${m.name}”不符合要求`) }))
}

/** supplementItems lists every missing or faulty material for the one-time notice. */
export function supplementItems(items: MaterialItem[], findings: { item: string; reason: string }[]): SupplementItem[] {
  const out: SupplementItem[] = []
  for (const m of items) {
    if (m.status !== 'missing' && m.status !== 'faulty') continue
    const f = findings.find((x) => x.item === m.id)
    out.push({ materialId: m.id, name: m.name, problem: m.status, reason: f?.reason || m.problem || '' })
  }
  for (const f of findings) {
    if (items.some((m) => m.id === f.item)) continue
    out.push({ name: f.item || '申请表', problem: 'faulty', reason: f.reason })
  }
  return out
}

export const DRAFT_SAVE_DEBOUNCE_MS = 600

/** Intake: the counter wizard, saved as a draft on every step. */
export const useIntakeStore = defineStore('intake', () => {
  const data = ref<IntakeData>(emptyData())
  const draftId = ref('')
  const revision = ref(0)
  const guide = ref<Guide | null>(null)
  const matter = ref<Matter | null>(null)
  const busy = ref(false)
  const reading = ref(false)
  const error = ref<ApiError | null>(null)
  const result = ref<CaseResult | null>(null)
  const duplicates = ref<CaseSummary[]>([])
  const validation = ref<Record<'applicant' | 'agent', IdValidation | null>>({ applicant: null, agent: null })
  const savedAt = ref('')
  const saveError = ref<ApiError | null>(null)

  const step = computed<Step>(() => STEPS[data.value.step])
  const done = computed(() => result.value !== null && data.value.decision !== '' && resultDecided(result.value))
  const problems = computed(() => data.value.materials.filter((m) => m.status === 'missing' || m.status === 'faulty'))
  const suggestedDecision = computed<Decision>(() =>
    problems.value.length > 0 || data.value.findings.length > 0 ? 'supplement' : 'accept',
  )

  function resultDecided(r: CaseResult): boolean {
    return !['received', 'reviewing', 'returned'].includes(r.state.status)
  }

  function reset() {
    data.value = emptyData()
    draftId.value = ''
    revision.value = 0
    guide.value = null
    matter.value = null
    error.value = null
    result.value = null
    duplicates.value = []
    validation.value = { applicant: null, agent: null }
    savedAt.value = ''
    saveError.value = null
  }

  let saving: Promise<void> = Promise.resolve()
  /** saveDraft stores the wizard state; saves run one after another so revisions stay in order. */
  function saveDraft(): Promise<void> {
    if (!data.value.matter || data.value.caseId) return saving
    saving = saving.then(async () => {
      try {
        const d = await useApi().cases.saveDraft({
          id: draftId.value,
          revision: revision.value,
          matterCode: data.value.matter?.code ?? '',
          step: STEPS[data.value.step],
          data: JSON.parse(JSON.stringify(data.value)),
        })
        draftId.value = d.id
        revision.value = d.revision
        savedAt.value = d.updatedAt
        saveError.value = null
      } catch (e) {
        saveError.value = parseApiError(e)
      }
    })
    return saving
  }

  async function loadMatter(code: string): Promise<void> {
    const m = await useApi().catalog.get(code)
    matter.value = m
    guide.value = m.guide ?? null
  }

  /** chooseMatter starts the wizard for a matter: mode, checklist, first draft. */
  async function chooseMatter(code: string): Promise<void> {
    busy.value = true
    error.value = null
    try {
      await loadMatter(code)
      const m = matter.value!
      const modes = m.serviceModes ?? []
      data.value.matter = { code: m.code, name: m.name, modes }
      data.value.mode = modes.includes('异地代收代办') ? '异地代收代办' : (modes[0] ?? '')
      data.value.materials = checklistFromGuide(guide.value)
      data.value.form = {}
      data.value.step = 1
      await saveDraft()
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      busy.value = false
    }
  }

  /** resume loads a draft left by a closed window or a crash. */
  async function resume(id: string): Promise<void> {
    reset()
    busy.value = true
    try {
      const d: Draft = await useApi().cases.getDraft(id)
      draftId.value = d.id
      revision.value = d.revision
      data.value = { ...emptyData(), ...(d.data as Partial<IntakeData>) }
      if (data.value.matter) await loadMatter(data.value.matter.code)
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      busy.value = false
    }
  }

  async function discard(): Promise<void> {
    if (draftId.value) await useApi().cases.discardDraft(draftId.value).catch(() => {})
    reset()
  }

  let validateSeq = 0
  /** validateId asks the Go parser about a typed number (live messages). */
  async function validateId(who: 'applicant' | 'agent'): Promise<IdValidation | null> {
    const p = who === 'applicant' ? data.value.applicant : data.value.agent
    if (!p.idNumber.trim()) {
      validation.value[who] = null
      return null
    }
    const my = ++validateSeq
    try {
      const v = await useApi().identity.validate(p.idType, p.idNumber, p.country)
      if (my === validateSeq) validation.value[who] = v
      return v
    } catch (e) {
      const pe = parseApiError(e)
      validation.value[who] = { ok: false, zh: pe.zh, message: pe.message }
      return validation.value[who]
    }
  }

  function applyCard(who: 'applicant' | 'agent', c: CheckedCard) {
    const p = who === 'applicant' ? data.value.applicant : data.value.agent
    p.name = c.card.name
    p.idNumber = c.document.number
    p.idType = c.document.type
    if (c.card.address) p.address = c.card.address
    if (c.card.validUntil) p.validUntil = c.card.validUntil
    if (c.document.country) p.country = c.document.country
    if (who === 'applicant') data.value.identity = c
    else data.value.agentIdentity = c
    validation.value[who] = { ok: true, document: c.document, warnings: c.warnings }
  }

  /** readCard reads the card on the reader (F2) into the applicant or agent. */
  async function readCard(who: 'applicant' | 'agent' = 'applicant'): Promise<boolean> {
    reading.value = true
    error.value = null
    try {
      const c = await useApi().identity.readCard()
      applyCard(who, c)
      if (who === 'applicant') await checkDuplicates()
      void saveDraft()
      return true
    } catch (e) {
      error.value = parseApiError(e)
      return false
    } finally {
      reading.value = false
    }
  }

  /** checkManual checks typed data (F3); recorded as manual entry. */
  async function checkManual(who: 'applicant' | 'agent' = 'applicant'): Promise<boolean> {
    const p = who === 'applicant' ? data.value.applicant : data.value.agent
    busy.value = true
    error.value = null
    try {
      const card: Card = {
        docType: p.idType,
        name: p.name,
        number: p.idNumber,
        country: p.country,
        address: p.address,
        validUntil: p.validUntil,
        source: 'manual',
      }
      const c = await useApi().identity.checkManual(card)
      applyCard(who, c)
      if (who === 'applicant') await checkDuplicates()
      void saveDraft()
      return true
    } catch (e) {
      error.value = parseApiError(e)
      return false
    } finally {
      busy.value = false
    }
  }

  async function checkDuplicates(): Promise<void> {
    const id = data.value.applicant.idNumber
    if (!id || !data.value.matter) return
    try {
      duplicates.value = await useApi().cases.duplicates(id, data.value.matter.code)
    } catch {
      duplicates.value = []
    }
  }

  /** identityStale: the checked card no longer matches what is typed. */
  function identityStale(who: 'applicant' | 'agent'): boolean {
    const c = who === 'applicant' ? data.value.identity : data.value.agentIdentity
    const p = who === 'applicant' ? data.value.applicant : data.value.agent
    if (!c) return true
    const norm = (s: string) => s.replace(/\s/g, '').toUpperCase()
    return norm(c.document.number) !== norm(p.idNumber) || c.card.name.trim() !== p.name.trim()
  }

  /** stepIssue says why the wizard cannot leave the current step (zh + English), or null. */
  function stepIssue(): ApiError | null {
    const d = data.value
    const no = (key: string, params?: Params) => invalidError(`intake.problems.${key}`, params)
    switch (step.value) {
      case 'matter':
        return d.matter ? null : no('matter')
      case 'applicant': {
        const a = d.applicant
        if (!a.name.trim()) return no('applicantName')
        if (!a.idNumber.trim()) return no('applicantId')
        const v = validation.value.applicant
        if (v && !v.ok) return v.zh ? { code: 'EINVALID', message: v.message || bilingual('intake.problems.badId').en, zh: v.zh } : no('badId')
        if (!a.phone.trim()) return no('phone')
        if (d.hasAgent && (!d.agent.name.trim() || !d.agent.idNumber.trim())) return no('agent')
        return null
      }
      case 'identity':
        if (identityStale('applicant')) return no('identity')
        if (d.hasAgent && identityStale('agent')) return no('agentIdentity')
        return null
      case 'form':
        for (const f of guide.value?.form ?? []) {
          if (f.required && !(d.form[f.key] ?? '').trim()) return no('formField', { label: f.label })
        }
        if ((d.form.handlingPlace ?? '').trim() && !/^\d{6}$/.test(d.form.handlingPlace.trim())) return no('handlingPlace')
        for (const c of (d.form.handlingPlaces ?? '').split(',')) if (c.trim() && !/^\d{6}$/.test(c.trim())) return no('handlingPlace')
        return null
      case 'materials':
        for (const m of d.materials) {
          if ((m.status === 'missing' || m.status === 'faulty') && !m.problem?.trim()) return no('material', { name: m.name })
        }
        return null
      case 'review':
        for (const f of d.findings) if (!f.reason.trim()) return no('finding')
        return null
      case 'decision':
        if (d.decision === 'refuse' && !d.refuseReasons.trim()) return no('refuseReasons')
        return null
    }
    return null
  }

  /** stepProblem is stepIssue's Chinese text, or ''. */
  function stepProblem(): string {
    return stepIssue()?.zh ?? ''
  }

  /** next goes one step on (Enter), preparing the next step's defaults and saving the draft. */
  async function next(): Promise<boolean> {
    const p = stepIssue()
    if (p) {
      error.value = p
      return false
    }
    error.value = null
    const d = data.value
    if (step.value === 'identity' || (step.value === 'applicant' && guide.value)) {
      d.form = prefillForm(guide.value?.form ?? [], d)
    }
    if (step.value === 'materials') {
      const auto = findingsFromMaterials(d.materials)
      const kept = d.findings.filter((f) => !d.materials.some((m) => m.id === f.item))
      d.findings = [...auto, ...kept]
    }
    if (step.value === 'confirm' && !d.decision) d.decision = suggestedDecision.value
    if (d.step < STEPS.length - 1) d.step++
    await saveDraft()
    return true
  }

  function back(): boolean {
    if (data.value.step <= 0 || data.value.caseId) return false
    error.value = null
    data.value.step--
    void saveDraft()
    return true
  }

  function goTo(i: number) {
    if (i < data.value.step && !data.value.caseId) {
      data.value.step = i
      error.value = null
    }
  }

  /** decide opens the case (once) and records the decision. */
  async function decide(): Promise<CaseResult | null> {
    const p = stepIssue()
    if (p) {
      error.value = p
      return null
    }
    const d = data.value
    const api = useApi().cases
    busy.value = true
    error.value = null
    try {
      await saving
      if (!d.caseId) {
        const person = (x: PersonForm) => ({
          name: x.name,
          idType: x.idType,
          idNumber: x.idNumber,
          country: x.country,
          phone: x.phone,
          address: x.address,
        })
        const r = await api.open({
          draftId: draftId.value || undefined,
          intake: {
            matter: { code: d.matter!.code, name: d.matter!.name, mode: d.mode },
            applicant: person(d.applicant),
            agent: d.hasAgent ? person(d.agent) : undefined,
            form: d.form,
          },
          identity: d.identity ?? undefined,
          materials: { items: d.materials },
          review: { passed: d.findings.length === 0, findings: d.findings },
        })
        d.caseId = r.state.caseId
        d.version = r.state.version
        draftId.value = ''
        result.value = r
        if (d.hasAgent && d.agentIdentity) {
          const a = await api.checkIdentity(d.caseId, d.version, 'agent', d.agentIdentity)
          d.version = a.state.version
          result.value = a
        }
      }
      let r: CaseResult
      switch (d.decision) {
        case 'supplement':
          r = await api.requestSupplement(d.caseId, d.version, supplementItems(d.materials, d.findings))
          break
        case 'refuse':
          r = await api.refuse(
            d.caseId,
            d.version,
            d.refuseReasons
              .split('\n')
              .map((s) => s.trim())
              .filter(Boolean),
            guide.value?.basis ?? [],
          )
          break
        default:
          r = await api.accept(d.caseId, d.version)
      }
      d.version = r.state.version
      result.value = r
      return r
    } catch (e) {
      error.value = parseApiError(e)
      return null
    } finally {
      busy.value = false
    }
  }

  return {
    data,
    draftId,
    revision,
    guide,
    matter,
    busy,
    reading,
    error,
    result,
    duplicates,
    validation,
    savedAt,
    saveError,
    step,
    done,
    problems,
    suggestedDecision,
    reset,
    saveDraft,
    chooseMatter,
    resume,
    discard,
    validateId,
    readCard,
    checkManual,
    identityStale,
    stepProblem,
    stepIssue,
    next,
    back,
    goTo,
    decide,
  }
})
