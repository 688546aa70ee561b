import type { Transport } from './transport'
import type {
  AuditEntry,
  AuditFilter,
  AuditPage,
  AuditQuery,
  AuditReport,
  AuthStatus,
  Card,
  CaseDetail,
  CasePage,
  CaseQuery,
  CaseQueue,
  CaseResult,
  CaseSummary,
  CheckedCard,
  Draft,
  IdValidation,
  Materials,
  OpenInput,
  PrintDoc,
  PrintJob,
  PrintOptions,
  PrintPreview,
  ReaderInfo,
  Review,
  SupplementItem,
  BackupInfo,
  CatalogDiff,
  CatalogPage,
  CatalogQuery,
  CatalogVersion,
  Facets,
  ImportResult,
  Matter,
  Recovery,
  Role,
  Settings,
  SettingsView,
  SyncQuarantined,
  SyncStatus,
  SystemInfo,
  User,
} from './types'

/** Api is the typed face of every Go service in docs/api.md. */
export interface Api {
  readonly transport: Transport
  system: {
    info(): Promise<SystemInfo>
    recovery(): Promise<Recovery>
    restoreBackup(name: string): Promise<Recovery>
    backup(): Promise<BackupInfo>
    listBackups(): Promise<BackupInfo[]>
    uiReady(screen: string): Promise<void>
  }
  auth: {
    status(): Promise<AuthStatus>
    setup(username: string, displayName: string, password: string): Promise<User>
    login(username: string, password: string): Promise<User>
    logout(): Promise<void>
    lock(): Promise<void>
    unlock(password: string): Promise<User>
    changePassword(oldPassword: string, newPassword: string): Promise<void>
    listUsers(): Promise<User[]>
    addUser(username: string, displayName: string, role: Role, password: string): Promise<User>
    setDisabled(username: string, disabled: boolean): Promise<User>
  }
  catalog: {
    search(q: CatalogQuery): Promise<CatalogPage>
    facets(): Promise<Facets>
    get(code: string): Promise<Matter>
    versions(): Promise<CatalogVersion[]>
    diff(fromId: number, toId: number): Promise<CatalogDiff>
    activate(versionId: number): Promise<CatalogVersion>
    importXLSX(path: string): Promise<ImportResult>
    chooseAndImport(): Promise<ImportResult | null>
  }
  settings: {
    get(): Promise<SettingsView>
    save(s: Settings): Promise<SettingsView>
  }
  sync: {
    status(): Promise<SyncStatus>
    enroll(platformUrl: string, code: string): Promise<SyncStatus>
    syncNow(): Promise<SyncStatus>
    quarantined(): Promise<SyncQuarantined[]>
    retry(actionId: string): Promise<SyncStatus>
    discard(actionId: string): Promise<SyncStatus>
    retryUploads(): Promise<SyncStatus>
  }
  cases: {
    open(input: OpenInput): Promise<CaseResult>
    checkIdentity(caseId: string, basedOn: number, who: 'applicant' | 'agent', c: CheckedCard): Promise<CaseResult>
    receiveMaterials(caseId: string, basedOn: number, m: Materials): Promise<CaseResult>
    formalReview(caseId: string, basedOn: number, r: Review): Promise<CaseResult>
    accept(caseId: string, basedOn: number): Promise<CaseResult>
    requestSupplement(caseId: string, basedOn: number, items: SupplementItem[]): Promise<CaseResult>
    receiveSupplement(caseId: string, basedOn: number, m: Materials): Promise<CaseResult>
    refuse(caseId: string, basedOn: number, reasons: string[], basis: string[]): Promise<CaseResult>
    checkout(caseId: string, basedOn: number): Promise<CaseResult>
    release(caseId: string, basedOn: number, reason: string): Promise<CaseResult>
    approve(caseId: string, basedOn: number, reason: string): Promise<CaseResult>
    return(caseId: string, basedOn: number, reason: string): Promise<CaseResult>
    saveDraft(d: Partial<Draft>): Promise<Draft>
    getDraft(id: string): Promise<Draft>
    listDrafts(): Promise<Draft[]>
    discardDraft(id: string): Promise<void>
    search(q: CaseQuery): Promise<CasePage>
    homeQueue(limit: number): Promise<CaseQueue>
    approvalQueue(): Promise<CaseSummary[]>
    duplicates(idNumber: string, matterCode: string): Promise<CaseSummary[]>
    detail(caseId: string, full: boolean): Promise<CaseDetail>
    audit(caseId: string): Promise<AuditEntry[]>
    auditLog(f: AuditFilter): Promise<AuditEntry[]>
  }
  audit: {
    log(q: AuditQuery): Promise<AuditPage>
    verify(): Promise<AuditReport>
  }
  print: {
    options(): Promise<PrintOptions>
    documents(caseId: string): Promise<PrintDoc[]>
    preview(caseId: string, kind: string): Promise<PrintPreview>
    print(caseId: string, kind: string): Promise<PrintJob>
    retry(jobId: string): Promise<PrintJob>
    jobs(caseId: string): Promise<PrintJob[]>
  }
  identity: {
    reader(): Promise<ReaderInfo>
    validate(docType: string, number: string, country: string): Promise<IdValidation>
    readCard(): Promise<CheckedCard>
    checkManual(c: Card): Promise<CheckedCard>
  }
}

export function createApi(t: Transport): Api {
  const c =
    <T>(service: string, method: string) =>
    (...args: unknown[]): Promise<T> =>
      t.call<T>(service, method, args)
  return {
    transport: t,
    system: {
      info: c<SystemInfo>('SystemService', 'Info'),
      recovery: c<Recovery>('SystemService', 'Recovery'),
      restoreBackup: c<Recovery>('SystemService', 'RestoreBackup'),
      backup: c<BackupInfo>('SystemService', 'Backup'),
      listBackups: c<BackupInfo[]>('SystemService', 'ListBackups'),
      uiReady: c<void>('SystemService', 'UIReady'),
    },
    auth: {
      status: c<AuthStatus>('AuthService', 'Status'),
      setup: c<User>('AuthService', 'Setup'),
      login: c<User>('AuthService', 'Login'),
      logout: c<void>('AuthService', 'Logout'),
      lock: c<void>('AuthService', 'Lock'),
      unlock: c<User>('AuthService', 'Unlock'),
      changePassword: c<void>('AuthService', 'ChangePassword'),
      listUsers: c<User[]>('AuthService', 'ListUsers'),
      addUser: c<User>('AuthService', 'AddUser'),
      setDisabled: c<User>('AuthService', 'SetDisabled'),
    },
    catalog: {
      search: c<CatalogPage>('CatalogService', 'Search'),
      facets: c<Facets>('CatalogService', 'Facets'),
      get: c<Matter>('CatalogService', 'Get'),
      versions: c<CatalogVersion[]>('CatalogService', 'Versions'),
      diff: c<CatalogDiff>('CatalogService', 'Diff'),
      activate: c<CatalogVersion>('CatalogService', 'Activate'),
      importXLSX: c<ImportResult>('CatalogService', 'ImportXLSX'),
      chooseAndImport: c<ImportResult | null>('CatalogService', 'ChooseAndImport'),
    },
    settings: {
      get: c<SettingsView>('SettingsService', 'Get'),
      save: c<SettingsView>('SettingsService', 'Save'),
    },
    sync: {
      status: c<SyncStatus>('SyncService', 'Status'),
      enroll: c<SyncStatus>('SyncService', 'Enroll'),
      syncNow: c<SyncStatus>('SyncService', 'SyncNow'),
      quarantined: c<SyncQuarantined[]>('SyncService', 'Quarantined'),
      retry: c<SyncStatus>('SyncService', 'Retry'),
      discard: c<SyncStatus>('SyncService', 'Discard'),
      retryUploads: c<SyncStatus>('SyncService', 'RetryUploads'),
    },
    cases: {
      open: c<CaseResult>('CaseService', 'Open'),
      checkIdentity: c<CaseResult>('CaseService', 'CheckIdentity'),
      receiveMaterials: c<CaseResult>('CaseService', 'ReceiveMaterials'),
      formalReview: c<CaseResult>('CaseService', 'FormalReview'),
      accept: c<CaseResult>('CaseService', 'Accept'),
      requestSupplement: c<CaseResult>('CaseService', 'RequestSupplement'),
      receiveSupplement: c<CaseResult>('CaseService', 'ReceiveSupplement'),
      refuse: c<CaseResult>('CaseService', 'Refuse'),
      checkout: c<CaseResult>('CaseService', 'Checkout'),
      release: c<CaseResult>('CaseService', 'Release'),
      approve: c<CaseResult>('CaseService', 'Approve'),
      return: c<CaseResult>('CaseService', 'Return'),
      saveDraft: c<Draft>('CaseService', 'SaveDraft'),
      getDraft: c<Draft>('CaseService', 'GetDraft'),
      listDrafts: c<Draft[]>('CaseService', 'ListDrafts'),
      discardDraft: c<void>('CaseService', 'DiscardDraft'),
      search: c<CasePage>('CaseService', 'Search'),
      homeQueue: c<CaseQueue>('CaseService', 'HomeQueue'),
      approvalQueue: c<CaseSummary[]>('CaseService', 'ApprovalQueue'),
      duplicates: c<CaseSummary[]>('CaseService', 'Duplicates'),
      detail: c<CaseDetail>('CaseService', 'Detail'),
      audit: c<AuditEntry[]>('CaseService', 'Audit'),
      auditLog: c<AuditEntry[]>('CaseService', 'AuditLog'),
    },
    audit: {
      log: c<AuditPage>('AuditService', 'Log'),
      verify: c<AuditReport>('AuditService', 'Verify'),
    },
    print: {
      options: c<PrintOptions>('PrintService', 'Options'),
      documents: c<PrintDoc[]>('PrintService', 'Documents'),
      preview: c<PrintPreview>('PrintService', 'Preview'),
      print: c<PrintJob>('PrintService', 'Print'),
      retry: c<PrintJob>('PrintService', 'Retry'),
      jobs: c<PrintJob[]>('PrintService', 'Jobs'),
    },
    identity: {
      reader: c<ReaderInfo>('IdentityService', 'Reader'),
      validate: c<IdValidation>('IdentityService', 'Validate'),
      readCard: c<CheckedCard>('IdentityService', 'ReadCard'),
      checkManual: c<CheckedCard>('IdentityService', 'CheckManual'),
    },
  }
}
