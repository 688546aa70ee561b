// Texts outside components: stores build their user-facing errors in both
// languages (zh for the counter, message in English), the way Go errors come.
import type { ApiError } from '../api/types'
import zhCN from './zh-CN'
import en from './en'

export type Params = Record<string, string | number>

function lookup(root: unknown, key: string): string {
  let v: unknown = root
  for (const part of key.split('.')) {
    if (typeof v !== 'object' || v === null) return key
    v = (v as Record<string, unknown>)[part]
  }
  return typeof v === 'string' ? v : key
}

/** fill replaces {name} placeholders with params; unknown ones stay as they are. */
export function fill(s: string, params: Params = {}): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m))
}

/** bilingual returns the message key in both languages. */
export function bilingual(key: string, params?: Params): { zh: string; en: string } {
  return { zh: fill(lookup(zhCN, key), params), en: fill(lookup(en, key), params) }
}

/** invalidError is an EINVALID ApiError with the key's English message and Chinese text. */
export function invalidError(key: string, params?: Params): ApiError {
  const b = bilingual(key, params)
  return { code: 'EINVALID', message: b.en, zh: b.zh }
}

/**
 * errText is the text of an error for the UI language: the Chinese text, or in
 * English mode the error's English message (Go errors carry one) when it has one.
 */
export function errText(e: { zh?: string; message?: string } | null | undefined, locale: string): string {
  if (!e) return ''
  if (locale === 'en' && e.message) {
    const m = e.message.replace(/^E[A-Z]+: /, '') // Go's APIError message starts with its code
    return m.charAt(0).toUpperCase() + m.slice(1)
  }
  return e.zh ?? e.message ?? ''
}
