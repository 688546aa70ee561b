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
  /** Paper per document ('' = the first choice of PrintOptions.papers). */
  papers: { receipt: string; notice: string; waybill: string; manifest: string }
  printing: { fontPath: string; reviewOrgan: string; court: string }
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

export type SyncState = 'not_configured' | 'disconnected' | 'connected' | 'revoked'

export interface SyncStatus {
  state: SyncState
  label: string
  platformUrl: string
  lastSuccessAt?: string
  pending: number
  failed: number
  enrolled?: boolean
  hallCode?: string
  hallName?: string
  deviceId?: string
  lastAttemptAt?: string
  nextRetryAt?: string
  running?: boolean
  uploadsPending?: number
  uploadsFailed?: number
  uploadSha256?: string
  uploadOffset?: number
  uploadSize?: number
  errorCode?: string
  errorZh?: string
}

/** An outbox item the platform refused, set aside for an admin (retry / discard). */
export interface SyncQuarantined {
  actionId: string
  caseId: string
  caseNo: string
  kind: string
  kindZh: string
  actor: string
  code: string
  zh: string
  attempts: number
  at: string
  held: number
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

// ---- Cases and identity (issue 3; docs/api.md "Cases") ----

export type CaseStatus =
  | ''
  | 'received'
  | 'reviewing'
  | 'supplement_pending'
  | 'pending_approval'
  | 'returned'
  | 'accepted'
  | 'refused'
  | 'dispatched'
  | 'handling'
  | 'sent_back'
  | 'handled'
  | 'delivered'
  | 'closed'
  | 'withdrawn'

export type DocType = 'resident_id' | 'hmt_residence_permit' | 'foreign_permanent' | 'foreign_permanent_old' | 'passport'

export interface IdWarning {
  code: string
  message: string
  zh: string
}

export interface IdDocument {
  type: DocType
  number: string
  country?: string
  birthDate?: string
  sex?: 'M' | 'F'
  regionCode?: string
  regionName?: string
  warnings?: IdWarning[]
}

export interface Card {
  docType: DocType | ''
  name: string
  sex?: string
  ethnicity?: string
  birthDate?: string
  address?: string
  number: string
  country?: string
  authority?: string
  validFrom?: string
  validUntil?: string
  source: 'reader' | 'manual' | ''
  readerId?: string
  readAt?: string
}

export interface CheckedCard {
  card: Card
  document: IdDocument
  warnings?: IdWarning[]
}

export interface IdValidation {
  ok: boolean
  document?: IdDocument
  zh?: string
  /** English message (for the English UI) */
  message?: string
  field?: string
  warnings?: IdWarning[]
}

export interface ReaderInfo {
  configured: boolean
  driver: 'file' | 'socket' | 'none'
  label: string
  problem?: string
}

export interface MatterRef {
  code: string
  name: string
  mode: ServiceMode | ''
  kind?: string
  legalLimitDays?: number
  promisedLimitDays?: number
  refusalNeedsApproval?: boolean
  acceptanceNeedsApproval?: boolean
}

export interface Person {
  name: string
  idType: DocType | ''
  idNumber: string
  country?: string
  phone?: string
  address?: string
}

export interface Intake {
  matter: MatterRef
  applicant: Person
  agent?: Person
  form?: Record<string, string>
  provisionalNo?: string
}

export type MaterialStatus = 'received' | 'missing' | 'faulty' | 'not_applicable'

export interface MaterialItem {
  id: string
  name: string
  status: MaterialStatus
  form?: '原件' | '复印件' | '电子' | ''
  pages?: number
  checkedOriginal?: boolean
  licenceRef?: string
  required?: boolean
  problem?: string
}

export interface Finding {
  item: string
  reason: string
}

export interface Review {
  passed: boolean
  findings?: Finding[]
}

export interface Materials {
  items: MaterialItem[]
}

export interface OpenInput {
  draftId?: string
  intake: Intake
  identity?: CheckedCard
  materials?: { items: MaterialItem[] }
  review?: Review
}

export interface SupplementItem {
  materialId?: string
  name: string
  problem: 'missing' | 'faulty'
  reason: string
}

export interface SupplementNotice {
  items: SupplementItem[]
  noticeDate: string
  noticeDue: string
  withinLimit: boolean
  approximate?: boolean
}

export interface Refusal {
  reasons: string[]
  basis?: string[]
  rightsText: string
}

export interface Receipt {
  caseId: string
  provisionalNo: string
  provisional: boolean
  matterCode: string
  matterName: string
  mode: ServiceMode
  applicant: string
  idMasked: string
  agent?: string
  materials: MaterialItem[]
  acceptedAt: string
  dueDate?: string
  approximate?: boolean
  clerk: string
  hallCode: string
}

export interface CaseState {
  caseId: string
  provisionalNo: string
  officialNo?: string
  matter: MatterRef
  applicant: Person
  agent?: Person
  form?: Record<string, string>
  status: CaseStatus
  version: number
  hallCode: string
  deviceId: string
  receivedAt: string
  updatedAt: string
  decidedAt?: string
  identityChecked: boolean
  identitySource?: 'reader' | 'manual'
  materials?: MaterialItem[]
  findings?: Finding[]
  supplements: number
  supplement?: SupplementNotice
  proposal?: { decision: 'accept' | 'refuse'; refusal?: Refusal }
  proposedBy?: string
  checkedOutBy?: string
  checkedOutAt?: string
  receipt?: Receipt
  refusal?: Refusal
  returnReason?: string
  conflicts?: { actionId: string; seq: number; kind: string; zh: string }[]
  lastActor?: string
  // issue 7 (app/cases/loop.go): one task per handling place, the result, its arrival and handover
  places?: string[]
  tasks?: CaseTask[]
  result?: CaseLoopResult
  resultArrivedAt?: string
  delivered?: DeliveryRecord
}

/** A file in the blob stores, named by its SHA-256. */
export interface FileRef {
  sha256: string
  name: string
  size: number
}

/** CaseTask is the work of one handling place (办理地) on a case. */
export interface CaseTask {
  place: string
  waybill?: string
  batch?: string
  courier?: string
  dispatchedAt?: string
  dispatchedBy?: string
  receivedAt?: string
  receivedBy?: string
  handledAt?: string
  handledBy?: string
  decision?: 'approve' | 'refuse'
  reasons?: string[]
  result?: string
  resultDelivery?: 'electronic' | 'mail' | ''
  resultFile?: FileRef
  returnWaybill?: string
}

/** CaseLoopResult is the handling places' decision, once made. */
export interface CaseLoopResult {
  decision: 'approve' | 'refuse'
  reasons?: string[]
  text?: string
  delivery?: 'electronic' | 'mail' | ''
  files?: FileRef[]
  returnWaybills?: string[]
  arrived?: string[]
  places: string[]
  by: string
  at: string
}

/** DeliveryRecord is the handover of the result to the applicant. */
export interface DeliveryRecord {
  method: 'counter' | 'mail' | 'electronic'
  ref?: string
  recipient?: string
  identitySource?: 'reader' | 'manual'
  idMasked?: string
  by: string
  at: string
}

export interface CaseResult {
  state: CaseState
  noticeDue?: string
  noticeDaysLeft: number
  noticeOverdue?: boolean
  noticeApprox?: boolean
  provisionalNote?: string
}

export interface CaseSummary {
  caseId: string
  provisionalNo: string
  officialNo?: string
  matterCode: string
  matterName: string
  mode: ServiceMode
  status: CaseStatus
  statusLabel: string
  applicantName: string
  idMasked: string
  phoneMasked: string
  agentName?: string
  receivedAt: string
  dueDate?: string
  noticeDue?: string
  overdue: boolean
  dueSoon: boolean
  checkedOutBy?: string
  conflicts?: number
  version: number
}

export interface CaseQuery {
  caseNo?: string
  idNumber?: string
  name?: string
  phone?: string
  matterCode?: string
  /** part of a matter's name (or its exact code), resolved through the catalog */
  matterName?: string
  status?: CaseStatus
  openOnly?: boolean
  from?: string
  to?: string
  limit?: number
  offset?: number
}

export interface CasePage {
  items: CaseSummary[]
  more: boolean
}

export interface CaseQueue {
  items: CaseSummary[]
  open: number
  overdue: number
  dueSoon: number
  pendingApproval: number
  supplement: number
}

export interface CaseAction {
  id: string
  caseId: string
  seq: number
  kind: string
  actor: string
  role: string
  deviceId: string
  hallCode: string
  deviceTime: string
  reason?: string
  payload?: unknown
  basedOn: number
  syncState?: string
}

export interface CaseDetail {
  summary: CaseSummary
  state: CaseState
  journal: CaseAction[]
  full: boolean
}

export interface Draft {
  id: string
  caseId?: string
  matterCode?: string
  step: string
  data: unknown
  revision: number
  createdAt: string
  updatedAt: string
}

export interface AuditEntry {
  seq: number
  id: string
  at: string
  actor: string
  role: string
  deviceId: string
  action: string
  objectType: string
  objectId: string
  detail: unknown
  prevHash: string
  hash: string
}

export interface AuditFilter {
  objectType?: string
  objectId?: string
  actor?: string
  beforeSeq?: number
  limit?: number
}

/** AuditService.Log filter: action exact or prefix ("case.*"); from/to days inclusive. */
export interface AuditQuery {
  actor?: string
  action?: string
  objectType?: string
  objectId?: string
  from?: string
  to?: string
  beforeSeq?: number
  limit?: number
}

export interface AuditPage {
  items: AuditEntry[]
  more: boolean
  nextBeforeSeq?: number
  scanned: number
}

export interface AuditProblem {
  kind: 'edited' | 'deleted' | 'inserted' | 'broken'
  seq: number
  toSeq?: number
  zh: string
}

export interface AuditReport {
  ok: boolean
  entries: number
  headSeq: number
  headHash: string
  problems?: AuditProblem[]
}

// ---- Printing (PrintService, docs/api.md "Printing") ----

export type PrintKind = 'receipt' | 'supplement' | 'refusal'
export type PrintJobStatus = 'printing' | 'printed' | 'failed'

export interface PrintJob {
  id: string
  caseId: string
  kind: PrintKind
  /** 0 original; n > 0 the n-th reprint (补打). */
  copy: number
  printer: string
  paper: string
  status: PrintJobStatus
  spoolJobId?: string
  errorCode?: string
  errorZh?: string
  retryOf?: string
  actor: string
  pages: number
  bytes: number
  createdAt: string
  finishedAt?: string
}

export interface PrintDoc {
  kind: PrintKind
  title: string
  paper: string
  /** From the settings; '' = the system's default printer. */
  printer: string
  printed: number
  last?: PrintJob
  jobs: PrintJob[]
}

export interface PrintPreview {
  kind: PrintKind
  title: string
  /** The PDF, base64. */
  pdf: string
  pages: number
  width: number
  height: number
  paper: string
  copy: number
  reprint: boolean
}

export interface PrinterStatus {
  name: string
  state: string
  accepting: boolean
  reasons: string[]
  default: boolean
}

export interface PrintOptions {
  printers: PrinterStatus[]
  printersError?: ApiError
  papers: Record<string, string[]>
}
