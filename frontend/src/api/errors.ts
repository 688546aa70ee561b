import type { ApiError, RowError } from './types'

/** Error codes of docs/api.md. */
export const ErrorCode = {
  INVALID: 'EINVALID',
  NOTFOUND: 'ENOTFOUND',
  CONFLICT: 'ECONFLICT',
  FORBIDDEN: 'EFORBIDDEN',
  UNAUTHORIZED: 'EUNAUTHORIZED',
  LOCKED: 'ELOCKED',
  OFFLINE: 'EOFFLINE',
  CORRUPT: 'ECORRUPT',
  INTERNAL: 'EINTERNAL',
} as const

export const GENERIC_ZH = '操作失败，请稍后重试；如仍失败请联系管理员'
export const UNREACHABLE_ZH = '无法连接工作台服务，请确认通办工作台程序正在运行'

/** ApiCallError is what every wrapper call rejects with: an Error that is also an ApiError. */
export class ApiCallError extends Error implements ApiError {
  readonly code: string
  readonly zh: string
  readonly field?: string
  readonly rows?: RowError[]

  constructor(e: ApiError) {
    super(e.message || e.code)
    this.name = 'ApiCallError'
    this.code = e.code
    this.zh = e.zh
    if (e.field) this.field = e.field
    if (e.rows) this.rows = e.rows
  }

  toJSON(): ApiError {
    const out: ApiError = { code: this.code, message: this.message, zh: this.zh }
    if (this.field) out.field = this.field
    if (this.rows) out.rows = this.rows
    return out
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isRowError(v: unknown): v is RowError {
  return isRecord(v) && typeof v.row === 'number' && typeof v.reason === 'string'
}

/** asApiError returns v as an ApiError when it has the shape of one, else null. */
export function asApiError(v: unknown): ApiError | null {
  if (!isRecord(v) || typeof v.code !== 'string' || v.code === '') return null
  const out: ApiError = {
    code: v.code,
    message: typeof v.message === 'string' ? v.message : '',
    zh: typeof v.zh === 'string' && v.zh !== '' ? v.zh : GENERIC_ZH,
  }
  if (typeof v.field === 'string' && v.field !== '') out.field = v.field
  if (Array.isArray(v.rows)) {
    out.rows = v.rows.filter(isRowError).map((r) => ({
      sheet: typeof r.sheet === 'string' ? r.sheet : '',
      row: r.row,
      reason: r.reason,
      ...(typeof r.column === 'string' && r.column !== '' ? { column: r.column } : {}),
    }))
  }
  return out
}

function generic(message: string, code: string = ErrorCode.INTERNAL): ApiError {
  return { code, message, zh: GENERIC_ZH }
}

/**
 * parseApiError turns anything a call can reject with into an ApiError:
 * an ApiError object, the JSON string of one (Wails), an {error: ApiError}
 * envelope (HTTP), an Error, or a plain string. Unknown shapes get a generic
 * Chinese message; it never throws.
 */
export function parseApiError(raw: unknown): ApiError {
  if (raw instanceof ApiCallError) return raw.toJSON()
  const direct = asApiError(raw)
  if (direct) return direct
  if (isRecord(raw) && 'error' in raw) {
    const inner = asApiError(raw.error)
    if (inner) return inner
    if (typeof raw.error === 'string') return parseApiError(raw.error)
  }
  if (typeof raw === 'string') {
    const s = raw.trim()
    if (s.startsWith('{')) {
      try {
        return parseApiError(JSON.parse(s) as unknown)
      } catch {
        // not JSON after all: fall through
      }
    }
    return generic(s)
  }
  if (raw instanceof Error) return parseApiError(raw.message)
  return generic(String(raw))
}

/** toApiCallError wraps parseApiError's result in an ApiCallError. */
export function toApiCallError(raw: unknown): ApiCallError {
  if (raw instanceof ApiCallError) return raw
  return new ApiCallError(parseApiError(raw))
}

/** Map of HTTP status to code, used when an error response has no usable body. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return ErrorCode.INVALID
    case 401:
      return ErrorCode.UNAUTHORIZED
    case 403:
      return ErrorCode.FORBIDDEN
    case 404:
      return ErrorCode.NOTFOUND
    case 409:
      return ErrorCode.CONFLICT
    case 423:
      return ErrorCode.LOCKED
    case 503:
      return ErrorCode.OFFLINE
    default:
      return ErrorCode.INTERNAL
  }
}

/** zhOf gives the Chinese message to show for any caught value. */
export function zhOf(e: unknown): string {
  return parseApiError(e).zh
}
