// Types mirroring docs/api.md (the UI ⇄ Go contract). Keep in step with it.

export type Role = 'clerk' | 'supervisor' | 'field_agent' | 'handler' | 'admin'
export const ROLES: Role[] = ['clerk', 'supervisor', 'field_agent', 'handler', 'admin']

export interface RowError {
  sheet: string
  row: number
  column?: string
  reason: string
}

export interface ApiError {
  code: string
  message: string
  zh: string
  field?: string
  rows?: RowError[]
}

export interface User {
  id: number
  username: string
  displayName: string
  role: Role
  disabled: boolean
  createdAt: string
  lastLoginAt?: string
}

export interface AuthStatus {
  needsSetup: boolean
  user?: User
  locked: boolean
  idleLockMinutes: number
}

export type Batch = 'national_2021' | 'national_later' | 'provincial'
export const BATCHES: Batch[] = ['national_2021', 'national_later', 'provincial']
export type ServiceMode = '全程网办' | '异地代收代办' | '多地联办' | '自助通办'
export const SERVICE_MODES: ServiceMode[] = ['全程网办', '异地代收代办', '多地联办', '自助通办']

export interface MatterSummary {
  code: string
  name: string
  scene: string
  leadDepartment: string
  cooperatingDepartments: string[]
  batch: Batch
  serviceModes: ServiceMode[]
  deadlineNote?: string
  hasGuide: boolean
  sample: boolean
}

export type FieldType = 'text' | 'textarea' | 'date' | 'select' | 'phone' | 'idno'

export interface FormField {
  key: string
  label: string
  type: FieldType
  required: boolean
  maxLength?: number
  options?: string[]
}

export type MaterialForm = '原件' | '复印件' | '电子' | '原件或复印件'

export interface Material {
  id: string
  name: string
  form: MaterialForm
  copies: number
  required: boolean
  note?: string
}

export interface Guide {
  sample: boolean
  conditions: string[]
  form: FormField[]
  materials: Material[]
  process: string[]
  legalLimitDays: number
  promisedLimitDays: number
  kind: '即办件' | '承诺件'
  fee: string
  result: string
  resultDelivery: string[]
  basis: string[]
  refusalNeedsApproval: boolean
  notes?: string
}

export interface Matter extends MatterSummary {
  seq: number
  mainItem?: string
  subItem?: string
  handlingItem?: string
  matterType?: string
  level?: string
  handlingSystem?: string
  yushiban?: boolean
  remark?: string
  guide?: Guide
}

export interface CatalogQuery {
  text?: string
  department?: string
  mode?: ServiceMode | ''
  batch?: Batch | ''
  limit?: number
  offset?: number
}

export interface CatalogPage {
  items: MatterSummary[]
  total: number
  versionId: number
}

export interface Facets {
  departments: string[]
  modes: ServiceMode[]
  batches: Batch[]
}

export interface CatalogVersion {
  id: number
  label: string
  source: string
  createdAt: string
  active: boolean
  matterCount: number
  checksum: string
}

export interface CatalogDiffChange {
  code: string
  name: string
  fields: string[]
}

export interface CatalogDiff {
  from: number
  to: number
  added: MatterSummary[]
  removed: MatterSummary[]
  changed: CatalogDiffChange[]
}

export interface ImportResult {
  version: CatalogVersion
  imported: number
}

export type Language = 'zh-CN' | 'en'

export interface Settings {
  platformUrl: string
  hall: { divisionCode: string; name: string }
  hotFolders: string[]
  printers: { receipt: string; notice: string; waybill: string; manifest: string }
  idleLockMinutes: number
  backup: { intervalHours: number; keep: number }
  language: Language
}

export interface ConfigProblem {
  key: string
  message: string
  zh: string
}

export interface SettingsView {
  settings: Settings
  problems: ConfigProblem[]
  path: string
}

export type SyncState = 'not_configured' | 'disconnected' | 'connected'

export interface SyncStatus {
  state: SyncState
  label: string
  platformUrl: string
  lastSuccessAt?: string
  pending: number
  failed: number
}

export interface BackupInfo {
  name: string
  path: string
  size: number
  createdAt: string
}

export interface SystemInfo {
  version: string
  dataDir: string
  dbPath: string
  schemaVersion: number
  deviceId: string
  hallName: string
}

export interface Recovery {
  needed: boolean
  problem?: ApiError
  latestBackup?: BackupInfo
  backups: BackupInfo[]
}
