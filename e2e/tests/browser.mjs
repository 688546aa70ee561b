// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core
// (`npx playwright install` cannot download browsers here), screenshots, selectors.
import { mkdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const baseURL = process.env.TONGBAN_URL
if (!baseURL) throw new Error('TONGBAN_URL is not set: run the tests through scripts/e2e.sh')

const here = dirname(fileURLToPath(import.meta.url))
export const shotDir = join(here, '..', 'screenshots')
mkdirSync(shotDir, { recursive: true })
// node --test runs each test file in its own process: name the screenshots after the file.
// (scripts/e2e.sh empties the folder before a run.)
const shotPrefix = basename(process.argv[1] || 'e2e').replace(/\.test\.m?js$/, '')

/** launch starts headless Chromium with the flags this closed network needs. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    // Failed requests are reported with their URL by the response handler below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`)
  })
  return { browser, context, page, problems }
}

/** byTest finds the element marked data-test=NAME, or the native input inside it. */
export function byTest(page, name) {
  return page.locator(`input[data-test="${name}"], [data-test="${name}"] input, [data-test="${name}"]`).first()
}

/** field finds an input marked data-test=NAME (Element Plus passes the attribute to the <input>). */
export function field(page, name) {
  return page.locator(`input[data-test="${name}"], [data-test="${name}"] input`).first()
}

const shotNos = new Map()
/** shotAs saves a full-page screenshot as e2e/screenshots/<prefix>-NN-name.png, numbered per prefix. */
export async function shotAs(page, prefix, name) {
  const no = (shotNos.get(prefix) ?? 0) + 1
  shotNos.set(prefix, no)
  const file = join(shotDir, `${prefix}-${String(no).padStart(2, '0')}-${name}.png`)
  // animations: 'disabled' finishes Element Plus's appear transitions (el-tag fades in).
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' })
  return file
}

/** shot saves a full-page screenshot as e2e/screenshots/<test file>-NN-name.png. */
export async function shot(page, name) {
  return shotAs(page, shotPrefix, name)
}
