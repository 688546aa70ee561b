// Shared test set-up against the real Go services: the accounts the files share, the JSON API
// called from inside the page (so it carries the page's session cookie), logging in through the
// form, the first administrator, the data directory, the simulated ID card and the intake
// wizard's first step.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { baseURL, field } from './browser.mjs'

// z-intake.test.mjs creates clerk1 and sup1; the later files log in with them.
export const admin = { username: 'admin', displayName: '王管理', password: 'Tongban2024' }
export const clerk = { username: 'clerk1', displayName: '李窗口', password: 'Clerk12345' }
export const sup = { username: 'sup1', displayName: '赵审核', password: 'Super12345' }

/** withCheck appends the GB 11643 check character to a 17-digit ID number body. */
export function withCheck(body) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i]
  return body + '10X98765432'[s % 11]
}

/** callApi POSTs args to /api/SERVICE/METHOD from inside the page: { ok, status, body }. */
export async function callApi(page, service, method, ...args) {
  return page.evaluate(
    async ([s, m, a]) => {
      const r = await fetch(`/api/${s}/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(a) })
      const t = await r.text()
      return { ok: r.ok, status: r.status, body: t ? JSON.parse(t) : null }
    },
    [service, method, args],
  )
}

/** loginForm opens the app and logs u in through the log-in form. */
export async function loginForm(page, u) {
  await page.goto(baseURL)
  await field(page, 'login-username').waitFor()
  await field(page, 'login-username').fill(u.username)
  await field(page, 'login-password').fill(u.password)
  await page.locator('[data-test="login-submit"]').click()
  await page.locator('[data-test="current-user"]').waitFor()
}

/**
 * settle waits until the page's own start-up requests are done, so that ending the session through
 * the API does not turn a request the page already sent into a 401 (a race of the test, not the app).
 */
export async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {})
}

/** login ends the current session through the API, then logs u in through the form. */
export async function login(page, u) {
  await settle(page)
  await callApi(page, 'AuthService', 'Logout')
  await loginForm(page, u)
}

/** signInAdmin creates the administrator on a fresh data directory, or logs it in (API only). */
export async function signInAdmin(page, u = admin) {
  await settle(page)
  const st = (await callApi(page, 'AuthService', 'Status')).body
  await callApi(page, 'AuthService', 'Logout')
  if (st.needsSetup) assert.ok((await callApi(page, 'AuthService', 'Setup', u.username, u.displayName, u.password)).ok)
  else assert.ok((await callApi(page, 'AuthService', 'Login', u.username, u.password)).ok, 'admin login')
}

/** dataDirOf asks the server for its data directory (an admin must be logged in). */
export async function dataDirOf(page) {
  const dir = (await callApi(page, 'SystemService', 'Info')).body.dataDir
  assert.ok(dir, 'data dir known')
  return dir
}

/** placeCard makes the file card-reader simulator in dataDir "read" a resident ID card. */
export function placeCard(dataDir, name, body17, address) {
  mkdirSync(join(dataDir, 'sim'), { recursive: true })
  writeFileSync(join(dataDir, 'cardreader.json'), JSON.stringify({ driver: 'file', path: 'sim/card.json', timeoutSeconds: 5 }))
  writeFileSync(
    join(dataDir, 'sim', 'card.json'),
    JSON.stringify({ docType: 'resident_id', name, number: withCheck(body17), address, validFrom: '2020.01.01', validUntil: '长期' }),
  )
}

/**
 * chooseMatter picks matter in the intake wizard's search (already opened) by typing 犯罪 and
 * Enter, and waits for the applicant step. keys lets a caller count the keystrokes.
 */
export async function chooseMatter(page, matter, keys = page.keyboard) {
  const search = field(page, 'intake-matter-search')
  await search.waitFor()
  await search.focus()
  await keys.type('犯罪')
  await page.locator('[data-test="intake-matter-item"]', { hasText: matter }).first().waitFor()
  await page.waitForTimeout(300) // the debounced search settles
  await keys.press('Enter')
  await page.locator('[data-test="step-applicant"]').waitFor()
}
