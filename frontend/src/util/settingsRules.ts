import type { Settings } from '../api'
import { divisionCodeOk, intInRange, urlOk } from './validate'

export interface Problem {
  /** settings key, as the backend names it (e.g. "hall.divisionCode", "hotFolders.1") */
  key: string
  /** i18n key and its values */
  msg: string
  values?: Record<string, unknown>
}

export const LIMITS = {
  idleLockMinutes: [1, 240],
  'backup.intervalHours': [1, 720],
  'backup.keep': [1, 365],
} as const

/** validateSettings checks a Settings form on the client; the backend checks again. */
export function validateSettings(s: Settings): Problem[] {
  const out: Problem[] = []
  if (!urlOk(s.platformUrl)) out.push({ key: 'platformUrl', msg: 'settings.v.url' })
  if (!divisionCodeOk(s.hall.divisionCode)) out.push({ key: 'hall.divisionCode', msg: 'settings.v.division' })
  if (s.hall.name.trim() === '') out.push({ key: 'hall.name', msg: 'settings.v.hallName' })
  s.hotFolders.forEach((f, i) => {
    if (f.trim() === '') out.push({ key: `hotFolders.${i}`, msg: 'settings.v.folder' })
  })
  const nums: [keyof typeof LIMITS, number][] = [
    ['idleLockMinutes', s.idleLockMinutes],
    ['backup.intervalHours', s.backup.intervalHours],
    ['backup.keep', s.backup.keep],
  ]
  for (const [key, v] of nums) {
    const [min, max] = LIMITS[key]
    if (!intInRange(v, min, max)) out.push({ key, msg: 'settings.v.range', values: { min, max } })
  }
  return out
}

/** blankSettings is the form's starting point before the backend answers. */
export function blankSettings(): Settings {
  return {
    platformUrl: '',
    hall: { divisionCode: '', name: '' },
    hotFolders: [],
    printers: { receipt: '', notice: '', waybill: '', manifest: '' },
    papers: { receipt: '', notice: '', waybill: '', manifest: '' },
    printing: { fontPath: '', reviewOrgan: '', court: '' },
    idleLockMinutes: 10,
    backup: { intervalHours: 24, keep: 7 },
    language: 'zh-CN',
  }
}
