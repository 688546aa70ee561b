// Printing end to end (issue 5), in the real UI against the real Go services: the clerk opens the
// case accepted by z-intake.test.mjs, previews its 受理回执 (the PDF in a frame), prints it on the
// real CUPS printer when the machine has one (scripts/start-cups.sh: cups-pdf), checks the job is
// recorded printed only after the spooler completed it, reprints it (补打, audited), sees a
// nonexistent printer refused in Chinese with the attempt kept as failed, and retries it.
// Without any printer it checks the preview and the Chinese error. Named zz-… to run after
// z-intake (cases and users). Screenshots: e2e/screenshots/print-*.png.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { baseURL, launch, shotAs } from './browser.mjs'
import { admin, callApi, clerk, login, loginForm, settle } from './setup.mjs'

const NO_SUCH = 'TongbanNoSuchPrinter'

describe('printing', () => {
  let browser
  let page
  let problems
  let caseId
  let printer = ''
  // Own names (print-NN-…) rather than the file's (zz-print-NN-…).
  const snap = (name) => shotAs(page, 'print', name)
  const api = (...args) => callApi(page, ...args)

  async function setReceiptPrinter(name) {
    assert.ok((await api('AuthService', 'Login', admin.username, admin.password)).ok, 'admin login')
    const view = (await api('SettingsService', 'Get')).body
    view.settings.printers.receipt = name
    const saved = await api('SettingsService', 'Save', view.settings)
    assert.ok(saved.ok, `save printer setting: ${JSON.stringify(saved.body)}`)
    await settle(page)
    await api('AuthService', 'Logout')
  }

  const loginClerk = () => loginForm(page, clerk)

  async function openCase() {
    await page.goto(`${baseURL}#/cases/${caseId}`)
    await page.locator('[data-test="print-doc"][data-kind="receipt"]').waitFor()
  }

  const receipt = () => page.locator('[data-test="print-doc"][data-kind="receipt"]')

  before(async () => {
    ;({ browser, page, problems } = await launch())
    await page.goto(baseURL)
    // The workstation has one session: the page opens on the previous file's user; let its
    // first requests finish before the session changes under it.
    await settle(page)
    assert.ok((await api('AuthService', 'Login', admin.username, admin.password)).ok, 'admin login (z-intake ran first)')
    const opts = (await api('PrintService', 'Options')).body
    const wanted = process.env.TONGBAN_TEST_PRINTER
    const usable = (opts.printers ?? []).filter((p) => p.accepting && p.state !== 'stopped')
    printer = usable.find((p) => p.name === wanted)?.name ?? usable[0]?.name ?? ''
    console.log(printer ? `printing on ${printer}` : `no printer (${opts.printersError?.zh ?? 'none installed'}): preview and error paths only`)
    await settle(page)
    await api('AuthService', 'Logout')
    await setReceiptPrinter(printer)

    assert.ok((await api('AuthService', 'Login', clerk.username, clerk.password)).ok, 'clerk login')
    const page1 = (await api('CaseService', 'Search', { limit: 50 })).body
    const accepted = (page1.items ?? []).find((c) => c.status === 'accepted')
    assert.ok(accepted, 'z-intake accepted a case')
    caseId = accepted.caseId
    await settle(page)
    await api('AuthService', 'Logout')
  })

  after(async () => {
    await browser?.close()
  })

  it('previews the receipt as a PDF in a dialog', async () => {
    await loginClerk()
    await openCase()
    assert.equal(await receipt().locator('[data-test="print-btn"]').innerText(), '打印')
    await receipt().locator('[data-test="print-preview"]').click()
    const frame = page.locator('[data-test="print-frame"]')
    await frame.waitFor()
    const src = await frame.getAttribute('src')
    assert.match(src, /^blob:/)
    const head = await page.evaluate(async (u) => new TextDecoder().decode((await (await fetch(u)).arrayBuffer()).slice(0, 5)), src)
    assert.equal(head, '%PDF-')
    assert.equal(await page.locator('[data-test="preview-reprint"]').count(), 0, 'an original is not marked 补打')
    await page.waitForTimeout(1500) // let the PDF viewer draw before the screenshot
    await snap('preview')
    await page.keyboard.press('Escape')
    await frame.waitFor({ state: 'detached' })
  })

  it('prints on the real printer, then reprints marked 补打 and audited', async (t) => {
    if (!printer) {
      t.skip('no printer on this machine (run scripts/start-cups.sh)')
      return
    }
    await receipt().locator('[data-test="print-btn"]').click()
    await receipt().locator('[data-test="print-count"]', { hasText: '已打印 1 份' }).waitFor({ timeout: 60_000 })
    let jobs = (await api('PrintService', 'Jobs', caseId)).body
    assert.equal(jobs[0].status, 'printed')
    assert.equal(jobs[0].printer, printer)
    assert.match(jobs[0].spoolJobId, new RegExp(`^${printer}-\\d+$`))
    assert.equal(jobs[0].copy, 0)
    await snap('printed')

    await receipt().locator('[data-test="print-preview"]').click()
    await page.locator('[data-test="preview-reprint"]').waitFor()
    assert.match(await page.locator('[data-test="preview-reprint"]').innerText(), /补打/)
    await page.waitForTimeout(1500)
    await snap('preview-reprint')
    await page.locator('[data-test="print-from-preview"]').click()
    await page.locator('.el-message-box__btns .el-button--primary').click() // 补打确认
    await receipt().locator('[data-test="print-count"]', { hasText: '已打印 2 份' }).waitFor({ timeout: 60_000 })
    jobs = (await api('PrintService', 'Jobs', caseId)).body
    assert.equal(jobs[0].copy, 1)
    assert.equal(jobs[0].status, 'printed')
    const audit = (await api('CaseService', 'Audit', caseId)).body.map((e) => e.action)
    assert.ok(audit.includes('case.printed') && audit.includes('case.reprinted'), `audit: ${audit}`)
  })

  it('refuses a nonexistent printer in Chinese, keeps the attempt failed, and retries', async () => {
    const before = (await api('PrintService', 'Documents', caseId)).body.find((d) => d.kind === 'receipt').printed
    await settle(page)
    await api('AuthService', 'Logout')
    await setReceiptPrinter(NO_SUCH)
    await loginClerk()
    await openCase()
    await receipt().locator('[data-test="print-btn"]').click()
    if (before > 0) await page.locator('.el-message-box__btns .el-button--primary').click()
    const alert = page.locator('[data-test="print-error"]')
    await alert.waitFor()
    assert.equal(await alert.getAttribute('data-code'), 'ENOTFOUND', await alert.innerText())
    assert.match(await alert.innerText(), new RegExp(`打印机“${NO_SUCH}”不存在`))
    await receipt().locator('[data-test="print-status"][data-status="failed"]').waitFor()
    assert.match(await receipt().locator('[data-test="print-last-error"]').innerText(), /不存在/)
    const docs = (await api('PrintService', 'Documents', caseId)).body
    assert.equal(docs.find((d) => d.kind === 'receipt').printed, before, 'a failed job is not counted as printed')
    await snap('printer-missing')

    if (!printer) return
    await settle(page)
    await api('AuthService', 'Logout')
    await setReceiptPrinter(printer)
    await loginClerk()
    await openCase()
    await receipt().locator('[data-test="print-retry"]').click()
    await receipt().locator('[data-test="print-count"]', { hasText: `已打印 ${before + 1} 份` }).waitFor({ timeout: 60_000 })
    const jobs = (await api('PrintService', 'Jobs', caseId)).body
    assert.equal(jobs[0].status, 'printed')
    assert.ok(jobs[0].retryOf, 'the retry names the failed attempt')
    await snap('retried')
  })

  it('shows printers and paper sizes in the settings', async () => {
    await login(page, admin)
    await page.goto(`${baseURL}#/settings`)
    await page.locator('[data-test="print-settings"]').waitFor()
    if (printer) await page.locator('[data-test="printer-list"]', { hasText: printer }).waitFor()
    await snap('settings')
    // The expected refusal above answers 404; nothing else may fail.
    const unexpected = problems.filter((p) => !/HTTP 404 POST \/api\/PrintService\/Print$/.test(p) && !/status of 404/.test(p))
    assert.deepEqual(unexpected, [])
  })
})
