// Home-queue benchmark: the real UI in Debian's Chromium against tongban-web
// with a data directory holding 10,000 open cases (bench/queue/run.sh sets it
// up). Measures, in the page, the time from navigation to the home route until
// the queue table has its rows and the open-case count is shown (plus the frame
// that paints them); and, as the baseline in the same run, the HomeQueue API call
// alone (fetch + JSON parse) on the same, quiet page.
// Prints one JSON object.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '..', '..', 'e2e', 'package.json'))
const { chromium } = require('playwright-core')

const base = process.env.TONGBAN_URL
const runs = Number(process.env.RUNS || 5)
const user = process.env.TB_USER || 'clerk'
const password = process.env.TB_PASSWORD || 'Demo2026tb'
if (!base) throw new Error('TONGBAN_URL is not set')

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
})
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  context.setDefaultTimeout(60_000)
  const page = await context.newPage()
  await page.goto(base)
  await page.locator('input[data-test="login-username"], [data-test="login-username"] input').first().fill(user)
  await page.locator('input[data-test="login-password"], [data-test="login-password"] input').first().fill(password)
  await page.locator('[data-test="login-submit"]').first().click()
  await page.locator('[data-test="current-user"]').waitFor()
  await page.locator('[data-test="case-queue"] [data-test="case-table"] tbody tr').first().waitFor()

  // In-page: leave home, then time hash navigation → rows and count rendered.
  const navigate = () =>
    page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const rendered = () => {
            const rows = document.querySelectorAll('[data-test="case-queue"] [data-test="case-table"] tbody tr').length
            const count = document.querySelector('[data-test="count-open"]')?.textContent ?? ''
            return rows > 0 && /\d/.test(count) ? { rows, count: count.trim() } : null
          }
          const t0 = performance.now()
          location.hash = '#/home'
          const tick = () => {
            const r = rendered()
            // Rows in the DOM; the next frame is the one that paints them.
            if (r) return requestAnimationFrame(() => resolve({ ms: performance.now() - t0, ...r }))
            if (performance.now() - t0 > 30000) return reject(new Error('queue not rendered in 30 s'))
            requestAnimationFrame(tick)
          }
          requestAnimationFrame(tick)
        }),
    )
  const leave = async () => {
    await page.evaluate(() => (location.hash = '#/catalog'))
    await page.locator('[data-test="case-queue"]').waitFor({ state: 'detached' })
    await page.waitForTimeout(300)
  }
  const api = () =>
    page.evaluate(async () => {
      const t0 = performance.now()
      const res = await fetch('/api/CaseService/HomeQueue', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: '[100]',
      })
      const q = await res.json()
      return { ms: performance.now() - t0, items: q.items.length, open: q.open }
    })

  const nav = []
  const apis = []
  let last
  await leave()
  await navigate() // warm-up: loads the route's code once
  for (let i = 0; i < runs; i++) {
    await leave()
    apis.push((await api()).ms) // on a quiet page, right before the navigation it is the baseline of
    await page.waitForTimeout(200)
    last = await navigate()
    nav.push(last.ms)
  }
  // Cold: a full page load straight onto the home queue (session cookie kept).
  const cold = []
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now()
    await page.goto(`${base}#/home`, { waitUntil: 'commit' })
    await page.reload({ waitUntil: 'commit' })
    await page.locator('[data-test="case-queue"] [data-test="case-table"] tbody tr').first().waitFor()
    await page.locator('[data-test="count-open"]').waitFor()
    cold.push(Date.now() - t0)
  }
  const a = await api()
  console.log(
    JSON.stringify({
      runs,
      navigateMs: nav,
      navigateMedian: median(nav),
      apiMs: apis,
      apiMedian: median(apis),
      coldLoadMs: cold,
      coldLoadMedian: median(cold),
      rows: last.rows,
      countLabel: last.count,
      open: a.open,
      chromium: browser.version(),
    }),
  )
} finally {
  await browser.close()
}
