import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fakeApi } from '../test/fakeApi'
import { mountWith, settle } from '../test/mountApp'
import PrintActions from './PrintActions.vue'
import type { PrintDoc, PrintJob } from '../api'

const job = (over: Partial<PrintJob>): PrintJob => ({
  id: 'j1', caseId: 'c1', kind: 'receipt', copy: 0, printer: 'Counter-A4', paper: 'a4', status: 'printed',
  actor: 'clerk1', pages: 1, bytes: 40000, createdAt: '2026-01-05T02:00:00Z', ...over,
})
const doc = (over: Partial<PrintDoc>): PrintDoc => ({
  kind: 'receipt', title: '受理回执', paper: 'a4', printer: '', printed: 0, jobs: [], ...over,
})

beforeEach(() => {
  document.body.innerHTML = ''
  URL.createObjectURL = () => 'blob:preview'
  URL.revokeObjectURL = () => {}
})

describe('PrintActions', () => {
  it('prints, then offers 补打', async () => {
    let printed = 0
    const { call } = fakeApi({
      'PrintService.Documents': () => [doc({ printed, last: printed ? job({}) : undefined })],
      'PrintService.Print': () => {
        printed++
        return job({})
      },
    })
    const { wrapper } = await mountWith(PrintActions, { props: { caseId: 'c1' } })
    await settle()
    const btn = () => wrapper.find('[data-test="print-btn"]')
    expect(btn().text()).toBe('打印')
    expect(wrapper.text()).toContain('系统默认打印机')
    await btn().trigger('click')
    await flushPromises()
    await settle()
    expect(call).toHaveBeenCalledWith('PrintService', 'Print', ['c1', 'receipt'])
    expect(btn().text()).toBe('补打')
    expect(wrapper.find('[data-test="print-count"]').text()).toContain('已打印 1 份')
    wrapper.unmount()
  })

  it('shows an out-of-paper failure in Chinese and retries the failed job', async () => {
    let failed = true
    const { call } = fakeApi({
      'PrintService.Documents': () => [
        doc({ last: failed ? job({ id: 'bad', status: 'failed', errorCode: 'ECONFLICT', errorZh: '打印机缺纸，请装纸' }) : job({ id: 'ok' }), printed: failed ? 0 : 1 }),
      ],
      'PrintService.Print': () => {
        throw JSON.stringify({ code: 'ECONFLICT', message: 'media-empty', zh: '打印机“Counter-A4”无法打印：打印机缺纸，请装纸。处理后请重试，文书未打印' })
      },
      'PrintService.Retry': (id: unknown) => {
        expect(id).toBe('bad')
        failed = false
        return job({ id: 'ok', retryOf: 'bad' })
      },
    })
    const { wrapper } = await mountWith(PrintActions, { props: { caseId: 'c1' } })
    await settle()
    await wrapper.find('[data-test="print-btn"]').trigger('click')
    await flushPromises()
    await settle()
    const alert = wrapper.find('[data-test="print-error"]')
    expect(alert.attributes('data-code')).toBe('ECONFLICT')
    expect(alert.text()).toContain('缺纸')
    expect(alert.text()).toContain('文书未打印')
    expect(wrapper.find('[data-test="print-status"]').attributes('data-status')).toBe('failed')
    expect(wrapper.find('[data-test="print-last-error"]').text()).toContain('打印机缺纸')
    await wrapper.find('[data-test="print-retry"]').trigger('click')
    await flushPromises()
    await settle()
    expect(call).toHaveBeenCalledWith('PrintService', 'Retry', ['bad'])
    expect(wrapper.find('[data-test="print-retry"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('previews the PDF in a frame, marked 补打 for a reprint', async () => {
    fakeApi({
      'PrintService.Documents': () => [doc({ printed: 1, last: job({}) })],
      'PrintService.Preview': () => ({ kind: 'receipt', title: '受理回执', pdf: btoa('%PDF-1.3 test'), pages: 1, width: 210, height: 297, paper: 'a4', copy: 1, reprint: true }),
    })
    const { wrapper } = await mountWith(PrintActions, { props: { caseId: 'c1' } })
    await settle()
    await wrapper.find('[data-test="print-preview"]').trigger('click')
    await flushPromises()
    await settle()
    const frame = document.querySelector('[data-test="print-frame"]') as HTMLIFrameElement | null
    expect(frame?.getAttribute('src')).toBe('blob:preview')
    expect(document.querySelector('[data-test="preview-reprint"]')?.textContent).toContain('补打')
    wrapper.unmount()
  })
})
