// The counter clerk's first minutes, in the real UI against the real Go services
// (cmd/tongban-web with a fresh data directory): first-run set-up creates the admin, log out,
// log in, open 事项目录, search 户口, open 工作调动户口迁移 and see its standard elements.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { baseURL, byTest, field, launch, shot } from './browser.mjs'

const admin = { username: 'admin', displayName: '王管理', password: 'Tongban2024' }
const MATTER = '工作调动户口迁移'

describe('workstation', () => {
  let browser
  let page
  let problems

  before(async () => {
    ;({ browser, page, problems } = await launch())
  })

  after(async () => {
    await browser?.close()
  })

  it('opens the first-run set-up screen on an empty data directory', async () => {
    await page.goto(baseURL)
    await field(page, 'setup-username').waitFor({ timeout: 30_000 })
    assert.match(await page.title(), /通办工作台/)
    await shot(page, 'setup')
  })

  it('creates the administrator and lands on the home screen', async () => {
    await field(page, 'setup-username').fill(admin.username)
    await field(page, 'setup-displayname').fill(admin.displayName)
    await field(page, 'setup-password').fill(admin.password)
    await field(page, 'setup-password2').fill(admin.password)
    await byTest(page, 'setup-submit').click()
    const user = page.locator('[data-test="current-user"]')
    await user.waitFor()
    assert.match(await user.innerText(), new RegExp(admin.displayName))
    // The sync badge is honest: no platform yet.
    assert.match(await page.locator('[data-test="sync-badge"]').innerText(), /未连接平台|未配置/)
    await shot(page, 'home-after-setup')
  })

  it('logs out to the login screen', async () => {
    await page.locator('[data-test="logout"]').click()
    // A confirmation box may ask first.
    const confirm = page.locator('.el-message-box__btns .el-button--primary')
    const login = field(page, 'login-username')
    await Promise.race([confirm.waitFor().then(() => confirm.click()), login.waitFor()])
    await login.waitFor()
    assert.equal(await page.locator('[data-test="current-user"]').count(), 0)
    await shot(page, 'login')
  })

  it('refuses a wrong password with a message', async () => {
    await field(page, 'login-username').fill(admin.username)
    await field(page, 'login-password').fill('wrong-password-1')
    await byTest(page, 'login-submit').click()
    const err = page.locator('[data-test="login-error"]')
    await err.waitFor()
    assert.notEqual((await err.innerText()).trim(), '')
    assert.doesNotMatch(await err.innerText(), /wrong-password-1/)
  })

  it('logs in again', async () => {
    await field(page, 'login-username').fill(admin.username)
    await field(page, 'login-password').fill(admin.password)
    await byTest(page, 'login-submit').click()
    await page.locator('[data-test="current-user"]').waitFor()
  })

  it('searches the matter catalog for 户口', async () => {
    await page.locator('[data-test="menu-catalog"]').click()
    const links = page.locator('[data-test="matter-link"]')
    await links.first().waitFor()
    const before = await links.count()
    assert.ok(before > 0, 'the catalog lists matters')

    await field(page, 'catalog-search').fill('户口')
    const target = links.filter({ hasText: MATTER })
    await target.first().waitFor()
    // The list narrows to matching matters.
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-test="matter-link"]')].every((a) => {
        const row = a.closest('tr')
        return (row ? row.innerText : a.innerText).includes('户口')
      }),
      null,
      { timeout: 10_000 },
    )
    const names = await links.allInnerTexts()
    assert.ok(names.length >= 1 && names.length < 83, `search narrowed the list (${names.length} rows)`)
    await shot(page, 'catalog-search')
  })

  it(`shows ${MATTER}'s detail with every standard element`, async () => {
    await page.locator('[data-test="matter-link"]', { hasText: MATTER }).first().click()
    const detail = page.locator('[data-test="matter-detail"]')
    await detail.locator('h1', { hasText: MATTER }).waitFor()
    const text = await detail.innerText()
    for (const heading of ['基本信息', '牵头部门', '通办业务模式', '受理条件', '申请表单', '申请材料', '办理流程', '办理时限', '法定办结时限', '承诺办结时限', '办件类型', '收费标准', '办理结果']) {
      assert.ok(text.includes(heading), `the detail shows ${heading}`)
    }
    // Its service modes (通办业务模式) are shown, not an empty cell.
    assert.match(text, /通办业务模式\s+(全程网办|异地代收代办|多地联办|自助通办)/, 'the detail shows the service modes')
    // A written sample guide is marked as such, with its materials and form fields.
    await page.locator('[data-test="sample-banner"]').waitFor()
    assert.ok((await page.locator('[data-test="materials"] tbody tr').count()) > 0, 'materials are listed')
    assert.ok((await page.locator('[data-test="form-fields"] tbody tr').count()) > 0, 'form fields are listed')
    assert.match(page.url(), /#\/catalog\//)
    await shot(page, 'matter-detail')
  })

  it('raised no page errors and no failed requests but the refused login', () => {
    const expected = (p) => p === 'HTTP 401 POST /api/AuthService/Login' || /favicon/.test(p)
    assert.deepEqual(problems.filter((p) => !expected(p)), [])
  })
})
