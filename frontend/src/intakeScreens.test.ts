import { beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { fakeApi } from './test/fakeApi'
import { settle } from './test/mountApp'
import { makeI18n } from './i18n'
import { makeRouter } from './router'
import { useAuthStore } from './stores/auth'
import { useIntakeStore } from './stores/intake'
import { bilingual, errText, fill } from './i18n/text'
import AuditView from './views/AuditView.vue'
import CasesView from './views/CasesView.vue'
import type { AuditEntry, CaseSummary, Language } from './api'

beforeEach(() => {
  document.body.innerHTML = ''
})

async function mountIn<C>(comp: C, lang: Language) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuthStore(pinia)
  const router = makeRouter(() => (auth.user ? auth.isAdmin : null))
  await router.push('/home')
  await router.isReady()
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const wrapper = mount(comp as any, { attachTo: document.body, global: { plugins: [pinia, router, makeI18n(lang), ElementPlus] } })
  return { wrapper, router }
}

const CJK = /[\u3400-\u9fff\u{20000}-\u{2ffff}]/u

describe('intake screens have no hard-coded Chinese', () => {
  const files = [
    'views/IntakeView.vue',
    'views/CasesView.vue',
    'views/CaseDetailView.vue',
    'views/ApprovalView.vue',
    'views/HomeView.vue',
    'views/AuditView.vue',
    'components/CaseTable.vue',
  ]
  for (const f of files) {
    it(f, () => {
      const src = readFileSync(`src/${f}`, 'utf8')
      const template = src.slice(src.indexOf('<template>'), src.lastIndexOf('</template>'))
      // Material forms (原件 / 复印件 / 电子) are stored values compared in the template, not text.
      // Lines of the printing and scanner parts (PrintActions, scan panel) are their owners' to translate.
      const lines = template
        .split('\n')
        .filter((l) => !/PrintActions|data-test="(print|scan)-/.test(l))
        .filter((l) => CJK.test(l.replace(/'(原件|复印件|电子)'/g, '')))
      expect(lines).toEqual([])
    })
  }
})

describe('texts outside components', () => {
  it('fills placeholders and builds both languages', () => {
    expect(fill('a {x} b {y}', { x: 1 })).toBe('a 1 b {y}')
    const b = bilingual('intake.problems.formField', { label: '证明用途' })
    expect(b.zh).toBe('请填写“证明用途”')
    expect(b.en).toBe('Fill in "证明用途"')
  })
  it('shows Go errors in the UI language', () => {
    const e = { code: 'EFORBIDDEN', message: 'EFORBIDDEN: role clerk may not do this', zh: '您的角色无权执行此操作' }
    expect(errText(e, 'zh-CN')).toBe('您的角色无权执行此操作')
    expect(errText(e, 'en')).toBe('Role clerk may not do this')
    expect(errText({ zh: '只有中文' }, 'en')).toBe('只有中文')
    expect(errText(null, 'en')).toBe('')
  })
  it('the wizard says why a step is incomplete in both languages', () => {
    setActivePinia(createPinia())
    const s = useIntakeStore()
    s.reset()
    const issue = s.stepIssue()
    expect(issue?.zh).toBe('请先选择办理事项')
    expect(issue?.message).toBe('Choose a matter first')
  })
})

const entry = (seq: number, action: string, actor = 'clerk1'): AuditEntry => ({
  seq,
  id: `e${seq}`,
  at: '2026-03-02T01:00:00Z',
  actor,
  role: 'clerk',
  deviceId: 'WS-1',
  action,
  objectType: 'case',
  objectId: `case-${seq}`,
  detail: { status: 'accepted' },
  prevHash: '0'.repeat(64),
  hash: 'ab'.repeat(32),
})

describe('AuditView', () => {
  it('shows the entries, the chain state, and sends the filters', async () => {
    const { call } = fakeApi({
      'AuditService.Log': () => ({ items: [entry(3, 'case.accepted'), entry(2, 'case.view_personal')], more: false, scanned: 2 }),
      'AuditService.Verify': () => ({ ok: true, entries: 3, headSeq: 3, headHash: 'cd'.repeat(32) }),
    })
    const { wrapper } = await mountIn(AuditView, 'zh-CN')
    await settle(10)
    expect(wrapper.find('[data-test="chain-ok"]').text()).toContain('共 3 条记录')
    const text = wrapper.find('[data-test="audit-table"]').text()
    expect(text).toContain('受理')
    expect(text).toContain('查看完整个人信息')
    expect(text).toContain('case-3')

    await wrapper.find('input[data-test="audit-actor"]').setValue('sup1')
    await wrapper.find('[data-test="audit-action"]').setValue('case.*')
    await settle(5)
    const last = call.mock.calls.filter((c) => c[0] === 'AuditService' && c[1] === 'Log').pop()
    expect(last?.[2]).toEqual([{ limit: 100, actor: 'sup1', action: 'case.*' }])
  })

  it('says loudly when the chain is broken, in English too', async () => {
    fakeApi({
      'AuditService.Log': () => ({ items: [], more: false, scanned: 0 }),
      'AuditService.Verify': () => ({
        ok: false,
        entries: 9,
        headSeq: 9,
        headHash: 'cd'.repeat(32),
        problems: [{ kind: 'edited', seq: 4, zh: '第 4 条记录被修改' }],
      }),
    })
    const { wrapper } = await mountIn(AuditView, 'en')
    await settle(10)
    expect(wrapper.find('[data-test="chain-broken"]').text()).toContain('Hash chain broken: 1 problems found')
    expect(wrapper.find('[data-test="chain-problems"]').text()).toContain('#4 edited')
    expect(wrapper.text()).toContain('No audit entries match')
  })
})

describe('CasesView', () => {
  it('searches by matter name and shows statuses in English', async () => {
    const row: CaseSummary = {
      caseId: 'c1',
      provisionalNo: '临-410105-0001',
      matterCode: 'QG-2021-001',
      matterName: '开具有无犯罪记录证明',
      mode: '异地代收代办',
      status: 'supplement_pending',
      statusLabel: '待补正',
      applicantName: '张三',
      idMasked: '410105********1234',
      phoneMasked: '138****5678',
      receivedAt: '2026-03-02T01:00:00Z',
      overdue: false,
      dueSoon: true,
      version: 3,
    } as CaseSummary
    const { call } = fakeApi({ 'CaseService.Search': () => ({ items: [row], more: false }) })
    const { wrapper } = await mountIn(CasesView, 'en')
    await settle(10)
    const table = wrapper.find('[data-test="case-table"]').text()
    expect(table).toContain('Awaiting supplement')
    expect(table).toContain('Due soon')
    expect(table).toContain('Provisional')
    await wrapper.find('input[data-test="case-matter-filter"]').setValue('犯罪记录')
    await wrapper.find('[data-test="case-search-submit"]').trigger('click')
    await settle(5)
    const last = call.mock.calls.filter((c) => c[1] === 'Search').pop()
    expect(last?.[2]).toEqual([{ matterName: '犯罪记录', limit: 50, offset: 0 }])
  })
})
