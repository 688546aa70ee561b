import type { Transport } from './transport'
import type {
  AuthStatus,
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
    },
  }
}
