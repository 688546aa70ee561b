import { describe, expect, it } from 'vitest'
import { blankSettings, validateSettings } from './settingsRules'

function good() {
  const s = blankSettings()
  s.hall = { divisionCode: '410102', name: '中原区政务服务中心' }
  return s
}

describe('validateSettings', () => {
  it('accepts good settings (empty platform URL means not configured)', () => {
    expect(validateSettings(good())).toEqual([])
  })

  it.each([
    ['platformUrl', (s: ReturnType<typeof good>) => (s.platformUrl = 'ftp://x')],
    ['hall.divisionCode', (s: ReturnType<typeof good>) => (s.hall.divisionCode = '41010')],
    ['hall.name', (s: ReturnType<typeof good>) => (s.hall.name = '  ')],
    ['hotFolders.1', (s: ReturnType<typeof good>) => (s.hotFolders = ['/a', ''])],
    ['idleLockMinutes', (s: ReturnType<typeof good>) => (s.idleLockMinutes = 0)],
    ['backup.intervalHours', (s: ReturnType<typeof good>) => (s.backup.intervalHours = 1.5)],
    ['backup.keep', (s: ReturnType<typeof good>) => (s.backup.keep = 1000)],
  ])('names the bad key %s', (key, spoil) => {
    const s = good()
    spoil(s)
    expect(validateSettings(s).map((p) => p.key)).toEqual([key])
  })
})
