// PlacesService: the places cases can be routed to (办理地), as the platform
// lists them. Plus the province helpers the intake uses to tell 全豫通办 from 跨省通办.
import { useApi } from './index'
import type { Transport } from './transport'

export interface Place {
  code: string
  name: string
  province: string
}

export interface PlacesApi {
  list(): Promise<Place[]>
}

export function createPlacesApi(t: Transport): PlacesApi {
  return { list: () => t.call<Place[]>('PlacesService', 'List', []) }
}

/** usePlacesApi calls PlacesService through the current transport. */
export function usePlacesApi(): PlacesApi {
  return createPlacesApi(useApi().transport)
}

// GB/T 2260 province-level divisions by the first two digits of a division code.
const PROVINCES: Record<string, string> = {
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区',
  '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省',
  '41': '河南省', '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省',
  '50': '重庆市', '51': '四川省', '52': '贵州省', '53': '云南省', '54': '西藏自治区',
  '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
  '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区',
}

/** provinceOfCode names the province of a division code ('' when unknown). */
export function provinceOfCode(code: string): string {
  return /^\d{6}/.test(code) ? (PROVINCES[code.slice(0, 2)] ?? '') : ''
}

/** provinceOf is the place's province from the list, else from its code. */
export function provinceOf(code: string, places: Place[]): string {
  return places.find((p) => p.code === code)?.province || provinceOfCode(code)
}

export type RouteScope = 'henan' | 'inProvince' | 'crossProvince' | ''

/**
 * routeScope compares the hall's province with the handling places':
 * every place in the hall's province → 全豫通办 (Henan) or 省内通办; any other → 跨省通办.
 * '' when nothing can be said (no place, unknown province).
 */
export function routeScope(hallCode: string, placeCodes: string[], places: Place[]): RouteScope {
  const hall = provinceOf(hallCode, places)
  const codes = placeCodes.filter((c) => c && c !== hallCode)
  if (!hall || codes.length === 0) return ''
  const provs = codes.map((c) => provinceOf(c, places))
  if (provs.some((p) => p === '')) return ''
  if (provs.every((p) => p === hall)) return hall === '河南省' ? 'henan' : 'inProvince'
  return 'crossProvince'
}

/** placeLabel is "name (code) province", or the code alone when the place is unknown. */
export function placeLabel(code: string, places: Place[]): string {
  const p = places.find((x) => x.code === code)
  return p ? `${p.name}（${p.code}）${p.province}` : code
}

/** placeName is the place's name, or its code. */
export function placeName(code: string, places: Place[]): string {
  return places.find((x) => x.code === code)?.name || code
}

/** splitPlaces reads the comma-separated intake field "handlingPlaces" (also 、，; and spaces). */
export function splitPlaces(s: string | undefined | null): string[] {
  const out: string[] = []
  for (const part of (s ?? '').split(/[\s,，、;；]+/)) {
    const c = part.trim()
    if (c && !out.includes(c)) out.push(c)
  }
  return out
}
