import { ErrorCode, GENERIC_ZH, type ApiError } from '../api'

type Translate = (key: string, named?: Record<string, unknown>) => string

const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/
const CLOCK = /\d{1,2}[:：]\d{2}/

/** lockEnd finds when a lockout ends in an ELOCKED error, if the message says. */
export function lockEnd(e: ApiError): Date | null {
  for (const s of [e.message, e.zh]) {
    const m = s ? RFC3339.exec(s) : null
    if (m) {
      const d = new Date(m[0])
      if (!Number.isNaN(d.getTime())) return d
    }
  }
  return null
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** formatClock shows a time as HH:mm, with the date when it is not today. */
export function formatClock(d: Date, now: Date = new Date()): string {
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`
  const sameDay = d.toDateString() === now.toDateString()
  return sameDay ? hm : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${hm}`
}

/** describeLoginError is the message the login and lock screens show for a failed attempt. */
export function describeLoginError(e: ApiError, t: Translate, now: Date = new Date()): string {
  const hasOwnZh = e.zh !== '' && e.zh !== GENERIC_ZH
  switch (e.code) {
    case ErrorCode.UNAUTHORIZED:
      return hasOwnZh ? e.zh : t('login.wrong')
    case ErrorCode.LOCKED: {
      // A Chinese message that already names a clock time says when it ends.
      if (hasOwnZh && CLOCK.test(e.zh) && !RFC3339.test(e.zh)) return e.zh
      const end = lockEnd(e)
      if (end) return t('login.lockedUntil', { time: formatClock(end, now) })
      return hasOwnZh ? e.zh : t('login.locked')
    }
    default:
      return e.zh || t('app.genericError')
  }
}
