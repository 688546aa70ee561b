// Scanner hot folder end to end (issue 4), in the real UI against the real Go services: an admin
// names a hot folder in the settings, a clerk opens 扫描材料 on a case, selects the material slot
// 有无犯罪记录证明申请表, three page files are dropped into the hot folder (as a scanner's software
// would) and three thumbnails appear in order; a file that is not a page lands in 隔离文件 with
// its reason in Chinese. The HTTP mode has no push events: the panel polls every second.
// Named zz-… so it runs after workstation.test.mjs, which needs the first-run screen.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { baseURL, launch, shotAs } from './browser.mjs'
import { admin, callApi, settle, signInAdmin, withCheck } from './setup.mjs'

const clerk = { username: 'scanclerk', displayName: '孙扫描', password: 'Scan123456' }
const SLOT = '有无犯罪记录证明申请表'

describe('scanning', () => {
  let browser
  let page
  let problems
  let hot
  let caseNo
  const snap = (name) => shotAs(page, 'scan', name)
  const api = (...args) => callApi(page, ...args)

  // pageJPEG draws a recognisable A4-shaped page in the browser and returns its JPEG bytes.
  async function pageJPEG(label, hue) {
    const b64 = await page.evaluate(
      ([text, h, stamp]) => {
        const c = document.createElement('canvas')
        c.width = 620
        c.height = 877
        const g = c.getContext('2d')
        g.fillStyle = '#fff'
        g.fillRect(0, 0, c.width, c.height)
        g.fillStyle = `hsl(${h}, 70%, 45%)`
        g.fillRect(40, 40, 540, 120)
        g.fillStyle = '#fff'
        g.font = 'bold 64px sans-serif'
        g.fillText(text, 70, 125)
        g.fillStyle = '#333'
        for (let y = 220; y < 820; y += 36) g.fillRect(60, y, 300 + ((y * 7) % 200), 10)
        g.font = '20px sans-serif'
        g.fillText(stamp, 60, 860)
        return c.toDataURL('image/jpeg', 0.85).split(',')[1]
      },
      [label, hue, `${caseNo} ${new Date().toISOString()}`],
    )
    return Buffer.from(b64, 'base64')
  }

  before(async () => {
    ;({ browser, page, problems } = await launch())
    await page.goto(baseURL)
    await signInAdmin(page, admin)
    const users = (await api('AuthService', 'ListUsers')).body ?? []
    if (!users.some((u) => u.username === clerk.username)) {
      assert.ok((await api('AuthService', 'AddUser', clerk.username, clerk.displayName, 'clerk', clerk.password)).ok, 'add clerk')
    }

    hot = mkdtempSync(join(tmpdir(), 'tongban-hot-'))
    const view = (await api('SettingsService', 'Get')).body
    view.settings.hall = view.settings.hall?.divisionCode ? view.settings.hall : { divisionCode: '410105', name: '郑州市金水区政务服务中心' }
    view.settings.hotFolders = [hot]
    const saved = await api('SettingsService', 'Save', view.settings)
    assert.ok(saved.ok, `save hot folder: ${JSON.stringify(saved.body)}`)

    await settle(page)
    await api('AuthService', 'Logout')
    assert.ok((await api('AuthService', 'Login', clerk.username, clerk.password)).ok, 'clerk login')
    const id = withCheck('41010519850615201')
    const opened = await api('CaseService', 'Open', {
      intake: {
        matter: { code: 'QG-2021-001' },
        applicant: { name: '周扫描', idType: 'resident_id', idNumber: id, phone: '13912345678' },
        form: { name: '周扫描', idNo: id, phone: '13912345678', householdAddress: '河南省郑州市金水区', purpose: '就业', agent: '本人办理' },
      },
    })
    assert.ok(opened.ok, `open case: ${JSON.stringify(opened.body)}`)
    caseNo = opened.body.state.provisionalNo
    assert.ok(caseNo)
  })

  after(async () => {
    await browser?.close()
  })

  it('selects the case and the material slot as the scan target', async () => {
    await page.goto(baseURL)
    await page.locator('[data-test="menu-scan"]').click()
    await page.locator('[data-test="scan-panel"]').waitFor()
    // The watcher picks the saved hot folder up within a few seconds.
    await page.locator('[data-test="scan-not-running"]').waitFor({ state: 'detached', timeout: 15_000 })
    await page.locator('[data-test="scan-case-select"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: caseNo }).click()
    await page.locator('[data-test="scan-slot"]', { hasText: SLOT }).click()
    await page.locator('[data-test="scan-target-slot"]', { hasText: SLOT }).waitFor()
    assert.match(await page.locator('[data-test="scan-target"]').innerText(), new RegExp(caseNo))
    await snap('target-selected')
  })

  it('shows three dropped pages as three thumbnails, in order', async () => {
    const base = Date.now() / 1000 - 30
    for (let i = 1; i <= 3; i++) {
      const file = join(hot, `page-${i}.jpg`)
      writeFileSync(file, await pageJPEG(`第 ${i} 页`, i * 100))
      utimesSync(file, base + i, base + i)
    }
    const imgs = page.locator('[data-test="scan-thumb-img"]')
    await page.waitForFunction(() => document.querySelectorAll('[data-test="scan-thumb-img"]').length === 3, null, { timeout: 20_000 })
    const files = await page.locator('[data-test="scan-thumb"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-file')))
    assert.deepEqual(files, ['page-1.jpg', 'page-2.jpg', 'page-3.jpg'])
    for (const src of await imgs.evaluateAll((els) => els.map((e) => e.getAttribute('src')))) {
      assert.match(src, /^data:image\/jpeg;base64,/)
    }
    assert.match(await page.locator('[data-test="scan-slot"]', { hasText: SLOT }).innerText(), /3 页/)
    assert.deepEqual(readdirSync(hot), [], 'the hot folder is empty: every file was taken')
    await snap('three-thumbnails')
  })

  it('rotates a page and lists a refused file with its reason in Chinese', async () => {
    await page.locator('[data-test="scan-thumb"]').nth(1).locator('[data-test="scan-rotate"]').click()
    await page.waitForFunction(() => {
      const img = document.querySelectorAll('[data-test="scan-thumb-img"]')[1]
      return img && img.style.transform.includes('90deg')
    })
    await snap('rotated')
    mkdirSync(hot, { recursive: true })
    writeFileSync(join(hot, '说明.docx'), Buffer.from('PK\x03\x04 this is not a scanned page', 'binary'))
    await page.locator('.el-tabs__item', { hasText: '隔离文件' }).click()
    const row = page.locator('[data-test="scan-quarantine"] tbody tr', { hasText: '说明.docx' })
    await row.waitFor({ timeout: 20_000 })
    const text = await row.innerText()
    assert.match(text, /[\u4e00-\u9fff]{4,}/, `a Chinese reason is shown: ${text}`)
    await snap('quarantine')
  })

  it('raised no page errors', () => {
    assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
  })
})
