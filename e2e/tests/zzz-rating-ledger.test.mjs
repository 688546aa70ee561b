// 好差评, follow-up and the work ledger end to end (issue 7), in the real UI against the real Go
// services: a clerk accepts a case through the intake wizard, asks the applicant to rate it, the
// applicant gives 2 (不满意) with a reason; the case detail shows the follow-up and its deadline; the
// clerk records the call-back and the rectification, the supervisor closes it; the home alerts show
// and then clear the bad rating; the 工作台账 counts what this file created and exports an .xlsx.
// Named zzz-… so it runs after z-intake.test.mjs, which creates the users and the hall.
import assert from 'node:assert/strict'
import { existsSync, statSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { baseURL, field, launch, shot } from './browser.mjs'
import { admin, callApi, chooseMatter, clerk, dataDirOf, login as loginAs, placeCard, settle, sup } from './setup.mjs'

const MATTER = '开具有无犯罪记录证明'
const NAME = '钱评价'

describe('rating, follow-up and ledger', () => {
  let browser
  let page
  let problems
  let dataDir
  let caseId = ''
  let base // the ledger's month total before this file's case
  let alertsBefore

  const api = (...args) => callApi(page, ...args)
  const login = (u) => loginAs(page, u)

  async function openCase() {
    await page.goto(`${baseURL}/#/cases/${caseId}`)
    await page.locator('[data-test="rating-card"]').waitFor()
  }

  before(async () => {
    ;({ browser, page, problems } = await launch())
    await page.goto(baseURL)
    // The workstation has one session: the page opens on the previous file's user; let its
    // first requests finish before the session changes under it.
    await settle(page)
    assert.ok((await api('AuthService', 'Login', admin.username, admin.password)).ok, 'admin login')
    dataDir = await dataDirOf(page)
    await login(clerk)
    const r = await api('LedgerService', 'Report', { period: 'month' })
    assert.ok(r.ok, 'ledger report')
    base = r.body.total
    const a = await api('LedgerService', 'Alerts')
    assert.ok(a.ok, 'alerts')
    alertsBefore = a.body.badRatingsCount
  })

  after(async () => {
    await browser?.close()
  })

  it('accepts a case through the wizard and asks the applicant to rate it', async () => {
    placeCard(dataDir, NAME, '41010519880808246', '河南省郑州市金水区花园路2号')
    await page.keyboard.press('Alt+n')
    await chooseMatter(page, MATTER)
    await page.keyboard.press('F2')
    await page.waitForFunction((n) => document.querySelector('input[data-test="applicant-name"]')?.value === n, NAME)
    await field(page, 'applicant-phone').fill('13612345678')
    await page.keyboard.press('Enter')
    await page.locator('[data-test="identity-ok"]').waitFor()
    await page.keyboard.press('Enter')
    await page.locator('[data-test="form-purpose"] label', { hasText: '就业' }).click()
    for (const step of ['step-materials', 'step-review', 'step-confirm', 'step-decision']) {
      await page.keyboard.press('Enter')
      await page.locator(`[data-test="${step}"]`).waitFor()
    }
    await page.keyboard.press('Enter')
    const result = page.locator('[data-test="intake-result"]')
    await result.waitFor()
    assert.equal(await result.getAttribute('data-status'), 'accepted')

    await page.locator('[data-test="intake-ask-rating"]').click()
    await page.locator('[data-test="rating-screen"]').waitFor()
    caseId = decodeURIComponent(new URL(page.url()).hash.match(/#\/rate\/([^?]+)/)[1])
    assert.ok(caseId, 'case id in the rating URL')
    // The case (and so the matter's name) loads after the screen appears.
    await page.locator('[data-test="rating-screen"]', { hasText: MATTER }).waitFor({ timeout: 10_000 })
    assert.match(await page.locator('[data-test="rating-screen"]').innerText(), new RegExp(MATTER))
    await shot(page, 'rating-screen')
  })

  it('rates 2 (不满意) with a reason and gets a follow-up deadline', async () => {
    await page.locator('[data-test="rate-submit"]').click()
    await page.locator('[data-test="rate-problem"]').waitFor() // no level chosen yet
    await page.keyboard.press('2')
    assert.equal(await page.locator('[data-test="rate-2"]').getAttribute('aria-checked'), 'true', 'key 2 chooses 不满意')
    await page.locator('[data-test="rate-reasons"]').waitFor()
    await page.locator('[data-test="rate-submit"]').click()
    await page.locator('[data-test="rate-problem"]').waitFor() // a reason is required for 1–2
    const reason = page.locator('[data-test="rate-reason"]').first()
    const reasonText = (await reason.innerText()).trim()
    await reason.click()
    assert.equal(await reason.getAttribute('aria-pressed'), 'true')
    await page.locator('[data-test="rate-comment"]').fill('等候时间太长')
    await shot(page, 'rating-chosen')
    await page.locator('[data-test="rate-submit"]').click()
    await page.locator('[data-test="rating-done"]').waitFor()
    assert.match(await page.locator('[data-test="rating-screen"]').innerText(), /\d{4}-\d{2}-\d{2}/, 'the follow-up date is told')
    await shot(page, 'rating-done')

    await openCase()
    const card = page.locator('[data-test="rating-intake"]')
    await page.locator('[data-test="rating-intake"]', { hasText: '等候时间太长' }).waitFor({ timeout: 10_000 })
    const text = await card.innerText()
    assert.match(text, /不满意/)
    assert.ok(text.includes(reasonText), `reason ${reasonText} shown`)
    assert.match(text, /等候时间太长/)
    assert.match(await card.locator('[data-test="follow-due"]').innerText(), /^\d{4}-\d{2}-\d{2}/)
    await card.locator('[data-test="follow-status"]').waitFor()
    assert.equal(await page.locator('[data-test="ask-rate-intake"]').count(), 0, 'a rated visit is not offered again')
    await page.locator('[data-test="rating-card"]').scrollIntoViewIfNeeded()
    await shot(page, 'follow-open')
  })

  it('shows the bad rating on the home alerts', async () => {
    await page.keyboard.press('Alt+1')
    const bad = page.locator('[data-test="alerts-bad"]')
    await bad.waitFor()
    assert.match(await bad.innerText(), new RegExp(`${alertsBefore + 1}`))
    assert.match(await bad.innerText(), new RegExp(MATTER))
    await shot(page, 'home-alert')
  })

  async function step(kind, note) {
    const card = page.locator('[data-test="rating-intake"]')
    await card.locator(`[data-test="follow-${kind}"]`).click()
    await card.locator('[data-test="follow-note"] textarea, textarea[data-test="follow-note"]').fill(note)
    await card.locator('[data-test="follow-submit"]').click()
    await page.locator('[data-test="rating-intake"] .notes', { hasText: note }).waitFor()
  }

  it('records the call-back and the rectification as clerk; the supervisor closes it', async () => {
    await openCase()
    await step('followup_callback', '已电话回访申请人，致歉并说明情况')
    await step('followup_rectified', '高峰时段增开一个窗口')
    assert.equal(await page.locator('[data-test="follow-followup_closed"]').count(), 0, 'a clerk cannot close')
    await shot(page, 'follow-rectified')

    await login(sup)
    await openCase()
    await step('followup_closed', '整改到位，同意办结')
    await page.locator('[data-test="rating-intake"] [data-test="follow-status"]', { hasText: '办结' }).waitFor({ timeout: 10_000 })
    assert.match(await page.locator('[data-test="rating-intake"] [data-test="follow-status"]').innerText(), /办结/)
    assert.equal(await page.locator('[data-test="rating-intake"] [data-test="follow-form"]').count(), 0, 'nothing left to do')
    await page.locator('[data-test="rating-card"]').scrollIntoViewIfNeeded()
    await shot(page, 'follow-closed')

    await page.keyboard.press('Alt+1')
    await page.locator('[data-test="home-queue"], [data-test="case-queue"]').first().waitFor()
    const a = await api('LedgerService', 'Alerts')
    assert.equal(a.body.badRatingsCount, alertsBefore, 'the closed bad rating left the alerts')
    if (alertsBefore === 0) assert.equal(await page.locator('[data-test="alerts-bad"]').count(), 0)
  })

  it('counts the case and the bad rating in the ledger and exports it', async () => {
    await page.locator('[data-test="menu-ledger"]').click()
    const total = page.locator('[data-test="ledger-total"]')
    await total.waitFor()
    const r = await api('LedgerService', 'Report', { period: 'month' })
    const now = r.body.total
    assert.equal(now.received, base.received + 1, 'received')
    assert.equal(now.accepted, base.accepted + 1, 'accepted')
    assert.equal(now.bad, base.bad + 1, 'bad ratings')
    assert.equal(now.ratings, base.ratings + 1, 'ratings')
    assert.equal(now.followClosed, base.followClosed + 1, 'follow-ups closed')
    const shown = await total.innerText()
    for (const [label, v] of [
      ['收件', now.received],
      ['受理', now.accepted],
      ['差评', now.bad],
    ]) {
      assert.match(shown, new RegExp(`(^|\\s)${label}\\s+${v}(\\s|$)`), `${label} ${v} in: ${shown}`)
    }
    const row = page.locator('[data-test="ledger-table"] .el-table__row', { hasText: MATTER }).first()
    await row.waitFor()
    await page.locator('[data-test="ledger"] canvas, [data-test="ledger"] svg').first().waitFor()
    await page.waitForTimeout(1500) // the charts' appear animation ends
    await shot(page, 'ledger')

    await page.locator('[data-test="ledger-export"]').click()
    const ok = page.locator('[data-test="ledger-exported"]')
    await ok.waitFor()
    const msg = await ok.innerText()
    const path = msg.match(/(\/\S+\.xlsx)/)?.[1]
    assert.ok(path, `an .xlsx path in: ${msg}`)
    assert.ok(existsSync(path) && statSync(path).size > 0, `${path} written`)
    await shot(page, 'ledger-exported')
    assert.deepEqual(problems, [])
  })
})
