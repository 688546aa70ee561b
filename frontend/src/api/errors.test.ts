import { describe, expect, it } from 'vitest'
import { ApiCallError, GENERIC_ZH, parseApiError } from './errors'

describe('parseApiError', () => {
  const e = { code: 'ELOCKED', message: 'locked', zh: '账号已锁定' }
  it.each([
    ['an ApiError object', e, e],
    ['its JSON string', JSON.stringify(e), e],
    ['an {error} envelope', { error: e }, e],
    ['an Error with a JSON message', new Error(JSON.stringify(e)), e],
    ['an ApiCallError', new ApiCallError(e), e],
  ])('reads %s', (_name, input, want) => {
    expect(parseApiError(input)).toEqual(want)
  })

  it.each([
    ['plain text', 'database is locked'],
    ['broken JSON', '{"code": '],
    ['null', null],
    ['a number', 42],
    ['an object without code', { foo: 1 }],
  ])('falls back to a generic message for %s', (_name, input) => {
    const got = parseApiError(input)
    expect(got.code).toBe('EINTERNAL')
    expect(got.zh).toBe(GENERIC_ZH)
  })

  it('fills an empty zh with the generic message and keeps field and good rows', () => {
    const got = parseApiError({ code: 'EINVALID', message: 'x', zh: '', field: 'hall.name', rows: [{ row: 3, reason: '空', sheet: 'S' }, { bad: 1 }] })
    expect(got.zh).toBe(GENERIC_ZH)
    expect(got.field).toBe('hall.name')
    expect(got.rows).toEqual([{ row: 3, reason: '空', sheet: 'S' }])
  })
})
