import { beforeEach, describe, expect, it, vi, afterEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useCatalogStore, SEARCH_DEBOUNCE_MS, DEFAULT_PAGE_SIZE } from './catalog'
import { fakeApi } from '../test/fakeApi'
import type { CatalogQuery, MatterSummary } from '../api'

function matter(i: number, over: Partial<MatterSummary> = {}): MatterSummary {
  return {
    code: `M${i}`,
    name: `事项${i}`,
    scene: '',
    leadDepartment: i % 2 ? '省公安厅' : '省民政厅',
    cooperatingDepartments: [],
    batch: 'national_2021',
    serviceModes: ['全程网办'],
    hasGuide: false,
    sample: false,
    ...over,
  }
}

const all = Array.from({ length: 30 }, (_, i) => matter(i + 1))

function searchFake(q: unknown) {
  const query = q as CatalogQuery
  const hit = all.filter((m) => (!query.department || m.leadDepartment === query.department) && (!query.text || m.name.includes(query.text)))
  const off = query.offset ?? 0
  return { items: hit.slice(off, off + (query.limit ?? 10)), total: hit.length, versionId: 7 }
}

describe('catalog store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.useRealTimers())

  it('loads the first page with limit and offset', async () => {
    const { call } = fakeApi({ 'CatalogService.Search': searchFake })
    const s = useCatalogStore()
    await s.load()
    expect(call).toHaveBeenCalledWith('CatalogService', 'Search', [
      { text: '', department: '', mode: '', batch: '', limit: DEFAULT_PAGE_SIZE, offset: 0 },
    ])
    expect(s.items).toHaveLength(DEFAULT_PAGE_SIZE)
    expect(s.total).toBe(30)
    expect(s.versionId).toBe(7)
    expect(s.pageCount).toBe(Math.ceil(30 / DEFAULT_PAGE_SIZE))
  })

  it('pages with offset and clamps past the end', async () => {
    const { call } = fakeApi({ 'CatalogService.Search': searchFake })
    const s = useCatalogStore()
    await s.load()
    await s.setPage(2)
    expect((call.mock.calls.at(-1)![2][0] as CatalogQuery).offset).toBe(DEFAULT_PAGE_SIZE)
    expect(s.items[0].code).toBe(`M${DEFAULT_PAGE_SIZE + 1}`)
    await s.setPage(99)
    expect(s.page).toBe(s.pageCount)
  })

  it('a filter goes back to page 1 and sends the department', async () => {
    const { call } = fakeApi({ 'CatalogService.Search': searchFake })
    const s = useCatalogStore()
    await s.load()
    await s.setPage(2)
    await s.setDepartment('省民政厅')
    const q = call.mock.calls.at(-1)![2][0] as CatalogQuery
    expect(q.department).toBe('省民政厅')
    expect(q.offset).toBe(0)
    expect(s.page).toBe(1)
    expect(s.total).toBe(15)
    expect(s.items.every((m) => m.leadDepartment === '省民政厅')).toBe(true)
  })

  it('debounces typing into one search', async () => {
    vi.useFakeTimers()
    const { call } = fakeApi({ 'CatalogService.Search': searchFake })
    const s = useCatalogStore()
    s.setText('事')
    s.setText('事项')
    s.setText('事项1')
    expect(call).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1)
    expect(call).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(call).toHaveBeenCalledTimes(1)
    expect((call.mock.calls[0][2][0] as CatalogQuery).text).toBe('事项1')
    expect(s.total).toBe(11) // 事项1, 事项10..19
  })

  it('ignores an answer that arrives after a newer one', async () => {
    let release: (v: unknown) => void = () => {}
    let n = 0
    fakeApi({
      'CatalogService.Search': (q) => {
        n++
        if (n === 1) return new Promise((r) => (release = () => r(searchFake(q))))
        return searchFake(q)
      },
    })
    const s = useCatalogStore()
    const first = s.load()
    await s.setDepartment('省公安厅')
    release(undefined)
    await first
    expect(s.items.every((m) => m.leadDepartment === '省公安厅')).toBe(true)
  })

  it('keeps the ApiError when search fails', async () => {
    fakeApi({
      'CatalogService.Search': () => {
        throw JSON.stringify({ code: 'EUNAUTHORIZED', message: 'x', zh: '请先登录' })
      },
    })
    const s = useCatalogStore()
    await s.load()
    expect(s.error?.zh).toBe('请先登录')
    expect(s.items).toEqual([])
  })

  it('resetFilters clears text and filters', async () => {
    const { call } = fakeApi({ 'CatalogService.Search': searchFake })
    const s = useCatalogStore()
    await s.setBatch('provincial')
    await s.setMode('多地联办')
    expect(s.hasFilters).toBe(true)
    await s.resetFilters()
    expect(s.hasFilters).toBe(false)
    expect(call.mock.calls.at(-1)![2][0]).toMatchObject({ mode: '', batch: '', department: '', text: '' })
  })
})
