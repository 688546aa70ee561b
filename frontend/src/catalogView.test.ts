import { beforeEach, describe, expect, it } from 'vitest'
import { fakeApi } from './test/fakeApi'
import { mountWith, settle } from './test/mountApp'
import CatalogView from './views/CatalogView.vue'
import MatterView from './views/MatterView.vue'
import zhCN from './i18n/zh-CN'
import en from './i18n/en'
import type { Matter, MatterSummary } from './api'

function m(code: string, name: string, sample = false): MatterSummary {
  return {
    code,
    name,
    scene: '',
    leadDepartment: '省公安厅',
    cooperatingDepartments: [],
    batch: 'national_2021',
    serviceModes: ['异地代收代办'],
    hasGuide: sample,
    sample,
  }
}

beforeEach(() => {
  document.body.innerHTML = ''
})

function key(k: string) {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }))
}

describe('CatalogView keyboard', () => {
  it('↓ moves the selection and Enter opens the detail page', async () => {
    fakeApi({
      'CatalogService.Search': () => ({ items: [m('A1', '结婚登记'), m('A2', '工作调动户口迁移', true)], total: 2, versionId: 3 }),
      'CatalogService.Facets': () => ({ departments: ['省公安厅'], modes: [], batches: [] }),
    })
    const { wrapper, router } = await mountWith(CatalogView)
    await settle(10)
    expect(wrapper.text()).toContain('示例指南')
    expect(wrapper.text()).toContain('共 2 项')
    ;(document.activeElement as HTMLElement | null)?.blur()
    key('ArrowDown')
    key('Enter')
    await settle(5)
    expect(router.currentRoute.value.fullPath).toBe('/catalog/A2')
    wrapper.unmount()
  })

  it('/ focuses the search box', async () => {
    fakeApi({
      'CatalogService.Search': () => ({ items: [], total: 0, versionId: 1 }),
      'CatalogService.Facets': () => ({ departments: [], modes: [], batches: [] }),
    })
    const { wrapper } = await mountWith(CatalogView)
    await settle(10)
    ;(document.activeElement as HTMLElement | null)?.blur()
    key('/')
    expect((document.activeElement as HTMLElement).getAttribute('data-test')).toBe('catalog-search')
    wrapper.unmount()
  })
})

describe('MatterView', () => {
  const base: Matter = { ...m('A2', '工作调动户口迁移', true), seq: 2 }

  it('shows the sample banner and every standard element', async () => {
    const matter: Matter = {
      ...base,
      deadlineNote: '2022年底前',
      guide: {
        sample: true,
        conditions: ['已办理调动手续'],
        form: [{ key: 'name', label: '申请人姓名', type: 'text', required: true }],
        materials: [{ id: 'm1', name: '居民户口簿', form: '原件', copies: 1, required: true }],
        process: ['收件', '受理'],
        legalLimitDays: 20,
        promisedLimitDays: 10,
        kind: '承诺件',
        fee: '不收费',
        result: '准予迁入证明',
        resultDelivery: ['邮寄'],
        basis: ['《户口登记条例》'],
        refusalNeedsApproval: true,
      },
    }
    fakeApi({ 'CatalogService.Get': () => matter })
    const { wrapper } = await mountWith(MatterView, { props: { code: 'A2' } })
    await settle(10)
    const text = wrapper.text()
    expect(wrapper.find('[data-test="sample-banner"]').text()).toContain('示例内容')
    for (const s of ['受理条件', '申请表单', '申请材料', '居民户口簿', '原件', '办理流程', '法定办结时限', '20 个工作日', '承诺办结时限', '10 个工作日', '承诺件', '不收费', '准予迁入证明', '《户口登记条例》', '2022年底前', '异地代收代办']) {
      expect(text).toContain(s)
    }
    wrapper.unmount()
  })

  it('says when a matter has no guide', async () => {
    fakeApi({ 'CatalogService.Get': () => ({ ...base, sample: false, hasGuide: false }) })
    const { wrapper } = await mountWith(MatterView, { props: { code: 'A2' } })
    await settle(10)
    expect(wrapper.find('[data-test="no-guide"]').text()).toContain('该事项暂无办事指南')
    expect(wrapper.find('[data-test="sample-banner"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('i18n', () => {
  function keys(o: object, prefix = ''): string[] {
    return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
  }
  it('en has exactly the zh-CN keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })
})
