// 多地联办 with two tasks (issue 7 item 2) across three workstations: hall A 410102 collects a
// 工作调动户口迁移 handled in B 330106 (跨省) and C 410305 (全豫通办). A mails one parcel per place
// (two batches); B approves; C refuses with a reason, which sends the case back to A (退回收件地);
// A sends C's task again, C approves, and the case has one result from both places.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { shot } from '../tests/browser.mjs'
import { HALL_A, PLACE_B, PLACE_C, acceptCase, api, confirmBox, detail, goto, idFor, journalStep, launchTwo, login, syncUntil, unexpected } from './loop.mjs'

const NAME = '郑联办'

describe('多地联办: two places, one refusal sent back, one result', () => {
  let browser, a, b, c
  let st
  const id = idFor(3)

  before(async () => {
    ;({ browser, a, b, c } = await launchTwo())
    assert.ok(c, 'workstation C runs (TONGBAN_URL_C)')
    await login(a, 'clerk')
    await login(b, 'handler')
    await login(c, 'handler')
    st = await acceptCase(a, {
      code: 'QG-2021-003',
      mode: '多地联办',
      name: NAME,
      id,
      form: {
        name: NAME, idNo: id, phone: '13812345678', fromAddress: '浙江省杭州市西湖区文三路8号', toAddress: '河南省洛阳市涧西区中州路3号',
        employer: '洛阳某设计院', householdType: '合法稳定住所', handlingPlace: PLACE_B, handlingPlaces: `${PLACE_B},${PLACE_C}`,
      },
    })
  })

  after(async () => {
    await browser?.close()
  })

  /** mailTo adds the case to the open batch for place on A's /mail and dispatches that batch. */
  async function mailTo(place) {
    const { page } = a
    await goto(a, '/mail')
    const add = page.locator(`[data-test="mail-group"][data-place="${place}"] [data-test="mail-add"][data-case="${st.caseId}"]`)
    await add.waitFor()
    const before = await page.locator(`[data-test="mail-item-waybill"][data-case="${st.caseId}"]`).count()
    await add.click()
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length > n,
      [`[data-test="mail-item-waybill"][data-case="${st.caseId}"]`, before],
    )
    const batch = page.locator('[data-test="mail-batch"]', { has: page.locator(`[data-test="mail-item-waybill"][data-case="${st.caseId}"]`) }).first()
    const number = await batch.getAttribute('data-number')
    await shot(page, `a-batch-${place}`)
    await batch.locator('[data-test="mail-dispatch"]').click()
    await confirmBox(page)
    await page.locator('[data-test="mail-dispatched-number"]', { hasText: number }).waitFor()
    const d = await detail(a, st.caseId)
    const task = d.state.tasks.find((t) => t.place === place && !t.decision)
    assert.ok(task?.waybill, `a parcel to ${place}`)
    assert.equal(task.batch, number)
    return task.waybill
  }

  /** signAndDecide signs the parcel on ws's inbox by its waybill and decides. */
  async function signAndDecide(ws, waybill, { refuse, reason, result }, tag) {
    await syncUntil(`the case in ${ws.name}'s inbox`, ws, a, async () =>
      (await api(ws, 'HandlingService', 'Inbox', 'waiting')).some((x) => x.caseId === st.caseId),
    )
    const { page } = ws
    await goto(ws, '/inbox')
    const input = page.locator('[data-test="inbox-scan-input"]')
    await input.fill(waybill)
    await input.press('Enter')
    await page.waitForURL(new RegExp(`#/inbox/${st.caseId}`))
    await page.locator('[data-test="handler-decide"]').click()
    const dlg = page.locator('[data-test="decide-dialog"]')
    if (refuse) {
      await dlg.locator('[data-test="decide-refuse"]').click()
      await dlg.locator('[data-test="decide-reasons"] textarea, textarea[data-test="decide-reasons"]').fill(reason)
    } else {
      await dlg.locator('[data-test="decide-result"] textarea, textarea[data-test="decide-result"]').fill(result)
    }
    await shot(page, `${tag}-decide`)
    await dlg.locator('[data-test="decide-submit"]').click()
    await page.locator('[data-test="handler-done"]').waitFor()
    await shot(page, `${tag}-decided`)
  }

  it('A mails one parcel to each place, in two batches', async () => {
    const wbB = await mailTo(PLACE_B)
    const wbC = await mailTo(PLACE_C)
    assert.notEqual(wbB, wbC, 'one parcel per place')
    const d = await detail(a, st.caseId)
    assert.equal(d.state.status, 'dispatched')
    assert.deepEqual(d.state.tasks.map((t) => t.place).sort(), [PLACE_B, PLACE_C].sort())
    st.wbB = wbB
    st.wbC = wbC
  })

  it('B approves; C refuses with a reason: the case goes back to A with it', async () => {
    await signAndDecide(b, st.wbB, { result: '同意迁出，已出具迁出证明' }, 'b')
    await signAndDecide(c, st.wbC, { refuse: true, reason: '迁入地住所证明与不动产登记不一致' }, 'c')
    await syncUntil('退回收件地 on A', a, c, async () => (await detail(a, st.caseId)).state.status === 'sent_back')
    const { page } = a
    await goto(a, `/cases/${st.caseId}`)
    const back = page.locator('[data-test="sent-back"]')
    await back.waitFor()
    assert.match(await back.innerText(), /住所证明与不动产登记不一致/)
    const taskRow = (place) => page.locator('tr', { has: page.locator(`[data-test="flow-task"][data-place="${place}"]`) })
    await taskRow(PLACE_B).locator('[data-test="flow-task-status"][data-status="approved"]').waitFor()
    await taskRow(PLACE_C).locator('[data-test="flow-task-status"][data-status="refused"]').waitFor()
    await shot(page, 'a-sent-back')
  })

  it('A sends the refused task again; C approves; one result from both places', async () => {
    const wbC2 = await mailTo(PLACE_C)
    assert.notEqual(wbC2, st.wbC, 'a new parcel')
    await signAndDecide(c, wbC2, { result: '准予迁入，准迁证已开具' }, 'c-again')
    await syncUntil('the result on A', a, c, async () => (await detail(a, st.caseId)).state.status === 'handled')
    const { page } = a
    await goto(a, `/cases/${st.caseId}`)
    const card = page.locator('[data-test="result-card"]')
    await card.waitFor()
    assert.equal(await card.locator('[data-test="result-decision"]').getAttribute('data-decision'), 'approve')
    const text = await card.locator('[data-test="result-text"]').innerText()
    assert.match(text, /同意迁出/)
    assert.match(text, /准予迁入/)
    await shot(page, 'a-one-result')
    const d = await detail(a, st.caseId)
    assert.deepEqual([...d.state.result.places].sort(), [PLACE_B, PLACE_C].sort())
    assert.ok(d.state.tasks.every((t) => t.decision === 'approve'), 'both tasks approved')
    journalStep(d, 'handled', { actor: 'handler', hall: PLACE_C })
    const dispatched = d.journal.filter((x) => x.kind === 'dispatched')
    assert.equal(dispatched.length, 3, 'two parcels, then one again to C')
    assert.ok(dispatched.every((x) => x.hallCode === HALL_A))
  })

  it('raised no unexpected problems', (t) => {
    assert.deepEqual(unexpected(a.problems, t), [])
    assert.deepEqual(unexpected(b.problems, t), [])
    assert.deepEqual(unexpected(c.problems, t), [])
  })
})
