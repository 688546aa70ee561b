import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fakeApi } from '../test/fakeApi'
import { mountWith, settle } from '../test/mountApp'
import ScanPanel from './ScanPanel.vue'
import { moveInList, type ScanPage, type ScanStatus, type ScanTarget } from '../api/scans'

const page = (id: string, position: number, over: Partial<ScanPage> = {}): ScanPage => ({
  id, caseId: 'c1', slotId: 'application', position, hash: `h-${id}`, mediaType: 'image/jpeg', size: 10, rotate: 0,
  source: `s-${id}`, sourceIndex: 0, fileName: `${id}.jpg`, addedAt: '2026-01-05T02:00:00Z', ...over,
})
const okStatus: ScanStatus = { running: true, folders: [{ path: '/srv/hot' }], diskFull: false, attached: 0, quarantined: 0, duplicates: 0 }

beforeEach(() => {
  document.body.innerHTML = ''
})

function scanFakes(state: { pages: ScanPage[]; target: ScanTarget; status: ScanStatus }) {
  return fakeApi({
    'CaseService.Search': () => ({ items: [{ caseId: 'c1', provisionalNo: '临-410105-20260105-0001', applicantName: '李四', matterName: '开具有无犯罪记录证明' }], more: false }),
    'ScanService.Status': () => state.status,
    'ScanService.Target': () => state.target,
    'ScanService.Pages': (caseId: unknown) => (caseId === '' ? [] : state.pages),
    'ScanService.Slots': () => [
      { id: 'id-card', name: '申请人居民身份证', required: true, pages: 0 },
      { id: 'application', name: '有无犯罪记录证明申请表', required: true, pages: state.pages.length },
      { id: '', name: '未分类页面', required: false, pages: 0 },
    ],
    'ScanService.Quarantine': () => [{ name: 'q1', fileName: 'x.docx', code: 'unsupported', reason: 'zip', reasonZh: '不是页面文件', size: 3 }],
    'ScanService.Thumbnail': (hash: unknown) => `data:image/jpeg;base64,${String(hash)}`,
    'ScanService.SetTarget': (_f: unknown, caseId: unknown, slotId: unknown) => {
      state.target = { folderId: '', caseId: String(caseId), slotId: String(slotId), caseNo: '临-1', slotName: '申请人居民身份证' }
      return state.target
    },
    'ScanService.Reorder': (_c: unknown, _s: unknown, ids: unknown) => {
      const order = ids as string[]
      state.pages = order.map((id, i) => ({ ...state.pages.find((p) => p.id === id)!, position: i }))
      return state.pages
    },
  })
}

describe('ScanPanel', () => {
  it('shows the target slot\'s pages in order with thumbnails, and reorders', async () => {
    const state = {
      pages: [page('p2', 1), page('p1', 0), page('p3', 2)],
      target: { folderId: '', caseId: 'c1', slotId: 'application', caseNo: '临-1', matterName: '开具有无犯罪记录证明', slotName: '有无犯罪记录证明申请表' },
      status: okStatus,
    }
    const { call } = scanFakes(state)
    const { wrapper } = await mountWith(ScanPanel, { props: { pollMs: 60_000 } })
    await settle(10)
    await flushPromises()
    expect(wrapper.find('[data-test="scan-target"]').text()).toContain('有无犯罪记录证明申请表')
    const files = () => wrapper.findAll('[data-test="scan-thumb"]').map((li) => li.attributes('data-file'))
    expect(files()).toEqual(['p1.jpg', 'p2.jpg', 'p3.jpg'])
    expect(wrapper.findAll('[data-test="scan-thumb-img"]').map((i) => i.attributes('src'))).toEqual([
      'data:image/jpeg;base64,h-p1', 'data:image/jpeg;base64,h-p2', 'data:image/jpeg;base64,h-p3',
    ])
    // Move the first page later.
    await wrapper.findAll('[data-test="scan-thumb"]')[0].findAll('button')[1].trigger('click')
    await flushPromises()
    await settle()
    expect(call).toHaveBeenCalledWith('ScanService', 'Reorder', ['c1', 'application', ['p2', 'p1', 'p3']])
    expect(files()).toEqual(['p2.jpg', 'p1.jpg', 'p3.jpg'])
    wrapper.unmount()
  })

  it('selecting a material makes it the scan target; disk full is shown', async () => {
    const state = {
      pages: [] as ScanPage[],
      target: { folderId: '', caseId: '', slotId: '' } as ScanTarget,
      status: { ...okStatus, diskFull: true },
    }
    const { call } = scanFakes(state)
    const { wrapper } = await mountWith(ScanPanel, { props: { caseId: 'c1', pollMs: 60_000 } })
    await settle(10)
    await flushPromises()
    expect(wrapper.find('[data-test="scan-disk-full"]').text()).toContain('磁盘空间不足')
    expect(wrapper.find('[data-test="scan-target"]').text()).toContain('未分类托盘')
    await wrapper.find('[data-test="scan-slot"][data-slot="id-card"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenCalledWith('ScanService', 'SetTarget', ['', 'c1', 'id-card'])
    expect(wrapper.find('[data-test="scan-target-slot"]').text()).toBe('申请人居民身份证')
    wrapper.unmount()
  })
})

describe('moveInList', () => {
  it.each([
    [['a', 'b', 'c'], 0, 1, ['b', 'a', 'c']],
    [['a', 'b', 'c'], 2, -1, ['a', 'c', 'b']],
    [['a', 'b', 'c'], 0, -1, ['a', 'b', 'c']],
    [['a', 'b', 'c'], 2, 5, ['a', 'b', 'c']],
    [['a'], 3, 1, ['a']],
  ])('%j index %i by %i', (ids, index, delta, want) => {
    expect(moveInList(ids, index, delta)).toEqual(want)
  })
})
