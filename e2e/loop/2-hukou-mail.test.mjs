// 工作调动户口迁移 (a 多地联办 matter, one handling place) with a mailed result (issue 7): A
// dispatches on /mail; removing the case after dispatch is refused in Chinese and changes nothing;
// B signs and decides 准予 with 邮寄 (a return waybill ordered from the courier); A signs the
// return parcel by its waybill, hands over; the applicant rates the handover 1 (非常不满意) and
// the bad rating is followed up to closure (call-back, rectification, supervisor closes); A closes.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { shot } from '../tests/browser.mjs'
import { callApi } from '../tests/setup.mjs'
import { HALL_A, PLACE_B, acceptCase, api, confirmBox, detail, expectProblem, goto, idFor, journalStep, launchTwo, login, unexpected, syncUntil } from './loop.mjs'

const NAME = '周迁移'

describe('多地联办 (one place), mailed result, bad rating', () => {
  let browser, a, b
  let st, waybill, batchId, returnWaybill
  const id = idFor(2)

  before(async () => {
    ;({ browser, a, b } = await launchTwo())
    await login(a, 'clerk')
    await login(b, 'handler')
    st = await acceptCase(a, {
      code: 'QG-2021-003',
      mode: '多地联办',
      name: NAME,
      id,
      form: { name: NAME, idNo: id, phone: '13812345678', fromAddress: '浙江省杭州市西湖区文三路1号', toAddress: '河南省郑州市中原区建设路2号', employer: '郑州某研究院', householdType: '单位集体户', handlingPlace: PLACE_B, handlingPlaces: PLACE_B },
    })
  })

  after(async () => {
    await browser?.close()
  })

  it('A dispatches; removing the case afterwards is refused and changes nothing', async () => {
    const { page } = a
    await goto(a, '/mail')
    await page.locator(`[data-test="mail-add"][data-case="${st.caseId}"]`).click()
    const wb = page.locator(`[data-test="mail-item-waybill"][data-case="${st.caseId}"]`)
    await wb.waitFor()
    waybill = (await wb.innerText()).trim()
    const batch = page.locator('[data-test="mail-batch"]', { has: wb })
    batchId = await batch.getAttribute('data-batch')
    const number = await batch.getAttribute('data-number')
    await batch.locator('[data-test="mail-dispatch"]').click()
    await confirmBox(page)
    await page.locator('[data-test="mail-dispatched-number"]', { hasText: number }).waitFor()
    await shot(page, 'a-dispatched')
    const before = await detail(a, st.caseId)

    const r = await callApi(page, 'MailService', 'RemoveCase', batchId, st.caseId, '申请人要求改期')
    assert.equal(r.status, 409)
    assert.equal(r.body.error.code, 'ECONFLICT')
    assert.match(JSON.stringify(r.body.error), /批次已寄出，交接清单不能再变更/)
    expectProblem(a.problems, 'POST /api/MailService/RemoveCase')
    const bd = await api(a, 'MailService', 'Batch', batchId)
    assert.ok(bd.items.some((x) => x.caseId === st.caseId), 'the case is still in the batch')
    const now = await detail(a, st.caseId)
    assert.equal(now.state.version, before.state.version, 'nothing recorded on the case')
  })

  it('B signs and decides 准予 with 邮寄 (return waybill ordered)', async () => {
    await syncUntil('the case in B inbox', b, a, async () => (await api(b, 'HandlingService', 'Inbox', 'waiting')).some((x) => x.caseId === st.caseId))
    const { page } = b
    await goto(b, '/inbox')
    const input = page.locator('[data-test="inbox-scan-input"]')
    await input.fill(waybill)
    await input.press('Enter')
    await page.waitForURL(new RegExp(`#/inbox/${st.caseId}`))
    await page.locator('[data-test="handler-decide"]').click()
    const dlg = page.locator('[data-test="decide-dialog"]')
    await dlg.locator('[data-test="decide-result"] textarea, textarea[data-test="decide-result"]').fill('准予迁入，准迁证已开具，原件邮寄')
    await dlg.locator('[data-test="decide-delivery-mail"]').click()
    await dlg.locator('[data-test="decide-return-waybill"]').first().waitFor()
    await shot(page, 'b-decide-mail')
    await dlg.locator('[data-test="decide-submit"]').click()
    await page.locator('[data-test="handler-done"]').waitFor()
    await shot(page, 'b-decided')
    const d = await detail(b, st.caseId)
    assert.equal(d.state.result.delivery, 'mail')
    returnWaybill = d.state.result.returnWaybills?.[0]
    assert.ok(returnWaybill, 'a return waybill was ordered')
  })

  it('A signs the return parcel by its waybill and hands over', async () => {
    await syncUntil('the result on A', a, b, async () => (await detail(a, st.caseId)).state.status === 'handled')
    const { page } = a
    // A is told: the home screen lists the result waiting for the counter.
    await goto(a, '/home')
    await page.locator('[data-test="alerts-waiting-item"]', { hasText: '工作调动户口迁移' }).first().waitFor()
    await shot(page, 'a-home-result-waiting')
    await goto(a, `/cases/${st.caseId}`)
    await page.locator('[data-test="need-arrival"]').waitFor()
    await shot(page, 'a-result-mailed')
    const input = page.locator('[data-test="result-sign-input"]')
    await input.fill(returnWaybill)
    await input.press('Enter')
    await page.locator('[data-test="need-arrival"]').waitFor({ state: 'detached' })
    await shot(page, 'a-result-arrived')

    await page.locator('[data-test="handover-open"]').click()
    const dlg = page.locator('[data-test="handover-dialog"]')
    await dlg.locator('[data-test="handover-recipient"] input, input[data-test="handover-recipient"]').fill(NAME)
    await dlg.locator('[data-test="handover-id"] input, input[data-test="handover-id"]').fill(id)
    await dlg.locator('[data-test="handover-submit"]').click()
    await page.locator('[data-test="delivered"]').waitFor()
    await shot(page, 'a-delivered')
    const d = await detail(a, st.caseId)
    journalStep(d, 'result_received', { actor: 'clerk', hall: HALL_A })
    journalStep(d, 'handled', { actor: 'handler', hall: PLACE_B })
  })

  it('the applicant rates the handover 1 and the follow-up is closed by the supervisor', async () => {
    const { page } = a
    await page.locator('[data-test="ask-rate-handover"]').click()
    await page.locator('[data-test="rating-screen"]').waitFor()
    await page.keyboard.press('1')
    await page.locator('[data-test="rate-reasons"]').waitFor()
    await page.locator('[data-test="rate-reason"]').first().click()
    await page.locator('[data-test="rate-comment"]').fill('结果邮寄太慢')
    await shot(page, 'a-rating-chosen')
    await page.locator('[data-test="rate-submit"]').click()
    await page.locator('[data-test="rating-done"]').waitFor()
    await shot(page, 'a-rating-done')

    const card = page.locator('[data-test="rating-handover"]')
    async function step(kind, note) {
      await card.locator(`[data-test="follow-${kind}"]`).click()
      await card.locator('[data-test="follow-note"] textarea, textarea[data-test="follow-note"]').fill(note)
      await card.locator('[data-test="follow-submit"]').click()
      await page.locator('[data-test="rating-handover"] .notes', { hasText: note }).waitFor()
    }
    await goto(a, `/cases/${st.caseId}`)
    await card.waitFor()
    assert.match(await card.innerText(), /非常不满意/)
    await step('followup_callback', '已电话回访，说明邮寄时限')
    await step('followup_rectified', '改用次日达寄递')
    await login(a, 'supervisor')
    await goto(a, `/cases/${st.caseId}`)
    await step('followup_closed', '整改到位')
    await card.locator('[data-test="follow-status"]', { hasText: '办结' }).waitFor()
    await card.scrollIntoViewIfNeeded()
    await shot(page, 'a-follow-closed')
  })

  it('A closes the case; everything syncs to the platform side B', async () => {
    await login(a, 'clerk')
    const { page } = a
    await goto(a, `/cases/${st.caseId}`)
    await page.locator('[data-test="archive"]').click()
    await confirmBox(page)
    await page.locator('[data-test="archive"]').waitFor({ state: 'detached' })
    await shot(page, 'a-closed')
    const d = await detail(a, st.caseId)
    assert.equal(d.state.status, 'closed')
    journalStep(d, 'closed', { actor: 'clerk', hall: HALL_A })
    await syncUntil('the closed case on B', b, a, async () => (await detail(b, st.caseId)).state.status === 'closed')
  })

  it('raised no unexpected problems', (t) => {
    assert.deepEqual(unexpected(a.problems, t), [])
    assert.deepEqual(unexpected(b.problems, t), [])
  })
})
