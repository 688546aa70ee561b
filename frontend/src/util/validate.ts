// Client-side checks that mirror the backend's rules (the backend has the last word).

export function passwordChecks(p: string): { length: boolean; mixed: boolean } {
  return { length: p.length >= 8, mixed: /[A-Za-z]/.test(p) && /\d/.test(p) }
}

export function passwordOk(p: string): boolean {
  const c = passwordChecks(p)
  return c.length && c.mixed
}

export function usernameOk(u: string): boolean {
  return /^[A-Za-z0-9_]{3,32}$/.test(u)
}

export function urlOk(u: string): boolean {
  if (u.trim() === '') return true
  try {
    const x = new URL(u)
    return x.protocol === 'http:' || x.protocol === 'https:'
  } catch {
    return false
  }
}

export function divisionCodeOk(c: string): boolean {
  return /^\d{6}$/.test(c)
}

export function intInRange(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
}
