// DEV ONLY: an in-memory backend for looking at screens without the Go
// services. Loaded by main.ts only in `vite` dev or a `--mode mock` build and
// only with ?mock=1; production builds do not contain this file.
// Extra URL parameters: screen=recovery|setup|login|locked, role=<Role>,
// sync=connected|disconnected, importerr=1, problems=1.
import { createApi } from './services'
import { setApi } from './index'
import type { Transport } from './transport'
import { loopHandlers } from './mockLoop'
import type {
  ApiError,
  AuthStatus,
  Batch,
  CatalogQuery,
  CatalogVersion,
  Matter,
  MatterSummary,
  Role,
  Settings,
  ServiceMode,
  User,
} from './types'

function fail(e: ApiError): never {
  throw JSON.stringify(e)
}

const now = new Date().toISOString()
const sampleGuide = {
  sample: true,
  conditions: ['申请人因工作调动需将户口迁入调入单位所在地', '已取得调入地人力资源社会保障部门出具的调动手续'],
  form: [
    { key: 'name', label: '申请人姓名', type: 'text' as const, required: true, maxLength: 30 },
    { key: 'idno', label: '公民身份号码', type: 'idno' as const, required: true },
    { key: 'phone', label: '联系电话', type: 'phone' as const, required: true },
    { key: 'reason', label: '迁移原因', type: 'select' as const, required: true, options: ['工作调动', '其他'] },
  ],
  materials: [
    { id: 'm1', name: '居民身份证', form: '原件' as const, copies: 1, required: true, note: '核验后退还' },
    { id: 'm2', name: '居民户口簿', form: '原件' as const, copies: 1, required: true },
    { id: 'm3', name: '工作调动审批材料', form: '复印件' as const, copies: 1, required: true },
    { id: 'm4', name: '调入单位证明', form: '原件或复印件' as const, copies: 1, required: false, note: '单位集体户时提供' },
  ],
  process: ['收件', '形式审查', '受理', '寄递至迁入地', '迁入地审批', '结果送达'],
  legalLimitDays: 20,
  promisedLimitDays: 10,
  kind: '承诺件' as const,
  fee: '不收费',
  result: '准予迁入证明（电子）',
  resultDelivery: ['邮寄', '电子证照'],
  basis: ['《中华人民共和国户口登记条例》', '《国务院办公厅关于加快推进政务服务"跨省通办"的指导意见》'],
  refusalNeedsApproval: true,
  notes: '示例内容，仅用于展示办事指南的结构。',
}

function makeMatters(): Matter[] {
  const depts = ['省公安厅', '省人力资源社会保障厅', '省医保局', '省民政厅', '省市场监管局', '省税务局']
  const modeSets: ServiceMode[][] = [['全程网办'], ['异地代收代办'], ['全程网办', '异地代收代办'], ['多地联办'], ['自助通办', '全程网办']]
  const list: Matter[] = [
    {
      seq: 1,
      code: 'N001',
      name: '工作调动户口迁移',
      scene: '户籍办理',
      leadDepartment: '省公安厅',
      cooperatingDepartments: ['省人力资源社会保障厅'],
      batch: 'national_2021',
      serviceModes: ['异地代收代办', '全程网办'],
      hasGuide: true,
      sample: true,
      guide: sampleGuide,
    },
    {
      seq: 76,
      code: 'N076',
      name: '异地就医结算备案',
      scene: '医保服务',
      leadDepartment: '省医保局',
      cooperatingDepartments: [],
      batch: 'national_later',
      serviceModes: ['全程网办'],
      deadlineNote: '2022年底前实现',
      hasGuide: false,
      sample: false,
    },
    {
      seq: 84,
      code: 'P001',
      name: '道路运输从业人员从业资格证补发',
      scene: '交通运输',
      leadDepartment: '省交通运输厅',
      cooperatingDepartments: [],
      batch: 'provincial',
      serviceModes: ['全程网办'],
      hasGuide: false,
      sample: false,
      mainItem: '道路运输从业人员从业资格证',
      subItem: '补发',
      handlingItem: '补发（遗失）',
      matterType: '公共服务',
      level: '省级、市级',
      handlingSystem: '河南省道路运输管理系统',
      yushiban: true,
    },
  ]
  for (let i = 2; i <= 80; i++) {
    list.push({
      seq: i,
      code: `N${String(i + 1).padStart(3, '0')}`,
      name: `示意事项${i}：${['社会保障卡申领', '养老保险关系转移', '住房公积金提取', '营业执照变更', '结婚登记'][i % 5]}`,
      scene: ['社保服务', '公积金', '市场准入', '婚姻登记'][i % 4],
      leadDepartment: depts[i % depts.length],
      cooperatingDepartments: i % 3 === 0 ? [depts[(i + 1) % depts.length]] : [],
      batch: i <= 75 ? 'national_2021' : 'national_later',
      serviceModes: modeSets[i % modeSets.length],
      hasGuide: false,
      sample: false,
    })
  }
  return list
}

export function installMock(search: string): void {
  const p = new URLSearchParams(search)
  const screen = p.get('screen') ?? ''
  const role = (p.get('role') ?? 'admin') as Role
  const matters = makeMatters()
  const users: User[] = [
    { id: 1, username: 'admin', displayName: '王管理', role: 'admin', disabled: false, createdAt: now, lastLoginAt: now },
    { id: 2, username: 'zhangsan', displayName: '张窗口', role: 'clerk', disabled: false, createdAt: now },
    { id: 3, username: 'lisi', displayName: '李审核', role: 'supervisor', disabled: true, createdAt: now },
  ]
  const me = { ...users[0], role }
  const status: AuthStatus = {
    needsSetup: screen === 'setup',
    user: screen === 'setup' || screen === 'login' ? undefined : me,
    locked: screen === 'locked',
    idleLockMinutes: 10,
  }
  const versions: CatalogVersion[] = [
    { id: 1, label: '国家清单 2021', source: '内置', createdAt: now, active: false, matterCount: 83, checksum: 'a1b2c3d4e5f60718' },
    { id: 2, label: '河南省特色事项 2022-03', source: 'henan.xlsx', createdAt: now, active: true, matterCount: 84, checksum: 'ffeeddccbbaa9988' },
  ]
  let settings: Settings = {
    platformUrl: '',
    hall: { divisionCode: '410102', name: '郑州市中原区政务服务中心' },
    hotFolders: ['/home/clerk/scans'],
    printers: { receipt: '', notice: '', waybill: '', manifest: '' },
    papers: { receipt: '', notice: '', waybill: '', manifest: '' },
    printing: { fontPath: '', reviewOrgan: '', court: '' },
    idleLockMinutes: 10,
    backup: { intervalHours: 24, keep: 7 },
    language: 'zh-CN',
  }
  const backups = [{ name: 'tongban-20240501-0900.db', path: '/var/lib/tongban/backups/tongban-20240501-0900.db', size: 2_457_600, createdAt: now }]
  const summary = (m: Matter): MatterSummary => {
    const { seq: _s, guide: _g, ...rest } = m
    void _s
    void _g
    return rest
  }

  const handlers: Record<string, (...a: unknown[]) => unknown> = {
    ...loopHandlers(settings.hall.divisionCode, me.displayName),
    'SystemService.Info': () => ({ version: '0.1.0-dev', dataDir: '/tmp', dbPath: '/tmp/tongban.db', schemaVersion: 1, deviceId: 'dev', hallName: settings.hall.name }),
    'SystemService.Recovery': () =>
      screen === 'recovery'
        ? {
            needed: true,
            problem: { code: 'ECORRUPT', message: 'database disk image is malformed', zh: '本机数据库文件已损坏（完整性检查未通过）' },
            latestBackup: backups[0],
            backups: [...backups, { ...backups[0], name: 'tongban-20240430-0900.db' }],
          }
        : { needed: false, backups: [] },
    'SystemService.UIReady': () => null,
    'SystemService.Backup': () => backups[0],
    'SystemService.ListBackups': () => backups,
    'SystemService.RestoreBackup': () => ({ needed: false, backups: [] }),
    'AuthService.Status': () => status,
    'AuthService.Login': (u, pw) => {
      if (u === 'locked') fail({ code: 'ELOCKED', message: `account locked until ${new Date(Date.now() + 15 * 60000).toISOString()}`, zh: '账号已锁定' })
      if (pw !== 'abc12345') fail({ code: 'EUNAUTHORIZED', message: 'wrong password', zh: '用户名或密码不正确' })
      status.user = me
      return me
    },
    'AuthService.Setup': () => me,
    'AuthService.Logout': () => {
      status.user = undefined
      return null
    },
    'AuthService.Lock': () => null,
    'AuthService.Unlock': (pw) => (pw === 'abc12345' ? me : fail({ code: 'EUNAUTHORIZED', message: 'wrong', zh: '密码不正确' })),
    'AuthService.ListUsers': () => users,
    'AuthService.AddUser': (username, displayName, r) => {
      const u: User = { id: users.length + 1, username: String(username), displayName: String(displayName), role: r as Role, disabled: false, createdAt: now }
      users.push(u)
      return u
    },
    'AuthService.SetDisabled': (username, d) => {
      const u = users.find((x) => x.username === username)!
      u.disabled = Boolean(d)
      return u
    },
    'CatalogService.Search': (q) => {
      const query = q as CatalogQuery
      const text = (query.text ?? '').trim()
      const hit = matters.filter(
        (m) =>
          (!text || m.name.includes(text) || m.scene.includes(text) || m.leadDepartment.includes(text)) &&
          (!query.department || m.leadDepartment === query.department) &&
          (!query.mode || m.serviceModes.includes(query.mode)) &&
          (!query.batch || m.batch === query.batch),
      )
      const off = query.offset ?? 0
      return { items: hit.slice(off, off + (query.limit ?? 20)).map(summary), total: hit.length, versionId: 2 }
    },
    'CatalogService.Facets': () => ({
      departments: [...new Set(matters.map((m) => m.leadDepartment))].sort(),
      modes: ['全程网办', '异地代收代办', '多地联办', '自助通办'],
      batches: ['national_2021', 'national_later', 'provincial'] as Batch[],
    }),
    'CatalogService.Get': (code) => matters.find((m) => m.code === code) ?? fail({ code: 'ENOTFOUND', message: 'no matter', zh: '找不到该事项' }),
    'CatalogService.Versions': () => versions,
    'CatalogService.Diff': (a, b) => ({
      from: a,
      to: b,
      added: [summary(matters[2])],
      removed: [],
      changed: [{ code: 'N001', name: '工作调动户口迁移', fields: ['serviceModes', 'guide'] }],
    }),
    'CatalogService.Activate': (id) => {
      for (const v of versions) v.active = v.id === id
      return versions.find((v) => v.id === id)
    },
    'CatalogService.ChooseAndImport': () =>
      p.get('importerr') === '1'
        ? fail({
            code: 'EINVALID',
            message: 'import: 3 bad rows',
            zh: '导入文件有 3 行错误',
            rows: [
              { sheet: '附件2', row: 4, column: '事项名称', reason: '事项名称为空' },
              { sheet: '附件2', row: 7, column: '通办业务模式', reason: '未知的通办业务模式“线下通办”' },
              { sheet: '附件2', row: 9, reason: '事项编码 P003 与第 5 行重复' },
            ],
          })
        : null,
    'SettingsService.Get': () => ({
      settings,
      problems: p.get('problems') === '1' ? [{ key: 'hall.divisionCode', message: 'must be 6 digits', zh: '行政区划代码须为 6 位数字' }] : [],
      path: '/root/.config/tongban/settings.toml',
    }),
    'SettingsService.Save': (s) => {
      settings = s as Settings
      return { settings, problems: [], path: '/root/.config/tongban/settings.toml' }
    },
    'SyncService.Status': () => {
      const st = p.get('sync') ?? 'not_configured'
      const label = st === 'connected' ? '已连接平台' : st === 'disconnected' ? '平台连接中断' : '未连接平台'
      return { state: st, label, platformUrl: settings.platformUrl, pending: st === 'disconnected' ? 3 : 0, failed: 0 }
    },
  }

  const transport: Transport = {
    kind: 'mock',
    async call<T>(service: string, method: string, args: unknown[]): Promise<T> {
      await new Promise((r) => setTimeout(r, 60))
      const h = handlers[`${service}.${method}`]
      if (!h) fail({ code: 'EINTERNAL', message: `mock: ${service}.${method} missing`, zh: '示例后端缺少该接口' })
      try {
        return h(...args) as T
      } catch (e) {
        throw e
      }
    },
  }
  setApi(createApi(transport))
}
