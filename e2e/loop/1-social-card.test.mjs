// 异地代收代办 for 社会保障卡申领 with an electronic result, across two workstations (issue 7):
// A (410102) accepts (API), batches, previews the waybill and the manifest and dispatches on /mail;
// B (330106) sees it in 待签收, scans a wrong waybill (refused, message shown) then the right one,
// decides 准予 with 电子送达 (the workstation renders the PDF); A sees 已办结 with the result file,
// hands it over (manual ID number), closes; the journal on A says who, where and when.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { shot } from '../tests/browser.mjs'
import { HALL_A, PLACE_B, acceptCase, api, confirmBox, detail, expectProblem, goto, idFor, journalStep, launchTwo, login, unexpected, previewPrint, syncUntil } from './loop.mjs'

const NAME = '孙社保'

describe('异地代收代办, electronic result', () => {
  let browser, a, b
  let st, waybill, batchNo
  const id = idFor(1)

  before(async () => {
    ;({ browser, a, b } = await launchTwo())
    await login(a, 'clerk')
    await login(b, 'handler')
    st = await acceptCase(a, {
      code: 'QG-2021-021',
      mode: '异地代收代办',
      name: NAME,
      id,
      form: { name: NAME, idNo: id, gender: '男', ethnicity: '汉', phone: '13812345678', insuredPlace: '浙江省杭州市', mailAddress: '河南省郑州市中原区建设路1号', pickup: '窗口领取', handlingPlace: PLACE_B },
    })
  })

  after(async () => {
    await browser?.close()
  })

  it('A puts the case into a batch, previews waybill and manifest, dispatches', async () => {
    const { page } = a
    await goto(a, '/mail')
    const add = page.locator(`[data-test="mail-add"][data-case="${st.caseId}"]`)
    await add.waitFor()
    await shot(page, 'a-mail-candidates')
    await add.click()
    const wb = page.locator(`[data-test="mail-item-waybill"][data-case="${st.caseId}"]`)
    await wb.waitFor()
    waybill = (await wb.innerText()).trim()
    assert.ok(waybill.length >= 8, `a waybill was ordered: ${waybill}`)
    const batch = page.locator('[data-test="mail-batch"]', { has: wb })
    batchNo = await batch.getAttribute('data-number')
    assert.match(batchNo, /^JJ410102-\d{8}-\d{2}$/)
    await shot(page, 'a-mail-batch-open')

    await batch.locator(`[data-test="mail-print-waybill"][data-case="${st.caseId}"]`).click()
    const wd = page.locator('[data-test="mail-waybill-dialog"]')
    await previewPrint(page, wd, 'waybill', () => shot(page, 'a-waybill-preview'))
    await page.keyboard.press('Escape')
    await page.locator('[data-test="mail-waybill-dialog"] [data-test="print-doc"]').waitFor({ state: 'hidden' }).catch(() => {})
    const man = batch.locator('[data-test="mail-manifest"]')
    await previewPrint(page, man, 'manifest', () => shot(page, 'a-manifest-preview'))

    await batch.locator('[data-test="mail-dispatch"]').click()
    await confirmBox(page)
    await page.locator('[data-test="mail-dispatched-number"]', { hasText: batchNo }).waitFor()
    await shot(page, 'a-mail-dispatched')
    const d = await detail(a, st.caseId)
    assert.equal(d.state.status, 'dispatched')
    assert.equal(d.state.tasks[0].waybill, waybill)
  })

  it('B sees it in 待签收, refuses a wrong waybill and signs the right one', async () => {
    await syncUntil('the case in B inbox', b, a, async () => (await api(b, 'HandlingService', 'Inbox', 'waiting')).some((x) => x.caseId === st.caseId))
    const { page } = b
    await goto(b, '/inbox')
    await page.locator('[data-test="inbox-tab-waiting"]').click()
    const row = page.locator(`[data-test="inbox-open"][data-case="${st.caseId}"]`)
    await row.waitFor()
    await shot(page, 'b-inbox-waiting')

    const input = page.locator('[data-test="inbox-scan-input"]')
    await input.fill('SF9999999999999')
    await input.press('Enter')
    const err = page.locator('[data-test="inbox-scan-error"]')
    await err.waitFor()
    assert.match(await err.innerText(), /未找到该运单号/)
    await shot(page, 'b-wrong-waybill')
    expectProblem(b.problems, 'POST /api/HandlingService/SignByWaybill')

    await input.fill(waybill)
    await input.press('Enter')
    await page.waitForURL(new RegExp(`#/inbox/${st.caseId}`))
    await page.locator('[data-test="handler-decide"]').waitFor()
    await shot(page, 'b-signed')
  })

  it('B decides 准予 with 电子送达', async () => {
    const { page } = b
    await page.locator('[data-test="handler-decide"]').click()
    const dlg = page.locator('[data-test="decide-dialog"]')
    await dlg.locator('[data-test="decide-result"] textarea, textarea[data-test="decide-result"]').fill('准予办理，社会保障卡已制卡')
    await shot(page, 'b-decide')
    await dlg.locator('[data-test="decide-submit"]').click()
    await page.locator('[data-test="handler-done"]').waitFor()
    await shot(page, 'b-decided')
    const d = await detail(b, st.caseId)
    assert.equal(d.state.status, 'handled')
    assert.equal(d.state.result.delivery, 'electronic')
    assert.equal(d.state.result.files.length, 1, 'the rendered result PDF is attached')
  })

  it('A sees 已办结 with the result file, hands it over and closes', async () => {
    await syncUntil('the result on A', a, b, async () => (await detail(a, st.caseId)).state.status === 'handled')
    const { page } = a
    await goto(a, `/cases/${st.caseId}`)
    const card = page.locator('[data-test="result-card"]')
    await card.waitFor()
    assert.equal(await card.locator('[data-test="result-decision"]').getAttribute('data-decision'), 'approve')
    await card.locator('[data-test="result-files-item"]').first().waitFor()
    await card.locator('[data-test="result-files-view"]').first().click()
    await page.locator('[data-test="result-files-frame"]').waitFor()
    await page.waitForTimeout(800)
    await shot(page, 'a-result-file')
    await page.keyboard.press('Escape')

    await page.locator('[data-test="handover-open"]').click()
    const dlg = page.locator('[data-test="handover-dialog"]')
    await dlg.locator('[data-test="handover-recipient"] input, input[data-test="handover-recipient"]').fill(NAME)
    await dlg.locator('[data-test="handover-id"] input, input[data-test="handover-id"]').fill(id)
    await dlg.locator('[data-test="handover-manual"]').waitFor()
    await shot(page, 'a-handover')
    await dlg.locator('[data-test="handover-submit"]').click()
    await page.locator('[data-test="delivered"]').waitFor()
    assert.match(await page.locator('[data-test="delivered"]').innerText(), new RegExp(NAME))
    await page.locator('[data-test="archive"]').click()
    await confirmBox(page)
    await page.locator('[data-test="archive"]').waitFor({ state: 'detached' })
    await shot(page, 'a-closed')

    const d = await detail(a, st.caseId)
    assert.equal(d.state.status, 'closed')
    journalStep(d, 'accepted', { actor: 'clerk', hall: HALL_A })
    const disp = journalStep(d, 'dispatched', { actor: 'clerk', hall: HALL_A })
    assert.equal(JSON.parse(JSON.stringify(disp.payload)).batch, batchNo)
    journalStep(d, 'handler_received', { actor: 'handler', hall: PLACE_B })
    journalStep(d, 'handled', { actor: 'handler', hall: PLACE_B })
    const del = journalStep(d, 'result_delivered', { actor: 'clerk', hall: HALL_A })
    assert.equal(del.payload.identitySource, 'manual')
    assert.ok(!JSON.stringify(del.payload).includes(id), 'the full ID number is not in the journal')
    journalStep(d, 'closed', { actor: 'clerk', hall: HALL_A })
  })

  it('raised no unexpected problems', (t) => {
    assert.deepEqual(unexpected(a.problems, t), [])
    assert.deepEqual(unexpected(b.problems, t), [])
  })
})
