import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { parseApiError, useApi, type ApiError, type AuthStatus, type User } from '../api'

/** Auth: who is signed in, setup, lock and unlock. */
export const useAuthStore = defineStore('auth', () => {
  const status = ref<AuthStatus | null>(null)
  const busy = ref(false)
  const error = ref<ApiError | null>(null)

  const user = computed<User | null>(() => status.value?.user ?? null)
  const needsSetup = computed(() => status.value?.needsSetup ?? false)
  const locked = computed(() => status.value?.locked ?? false)
  const isAdmin = computed(() => user.value?.role === 'admin')
  const idleLockMinutes = computed(() => status.value?.idleLockMinutes ?? 0)

  async function refresh(): Promise<AuthStatus | null> {
    error.value = null
    try {
      status.value = await useApi().auth.status()
    } catch (e) {
      error.value = parseApiError(e)
    }
    return status.value
  }

  function signedIn(u: User) {
    status.value = {
      needsSetup: false,
      user: u,
      locked: false,
      idleLockMinutes: status.value?.idleLockMinutes ?? 0,
    }
  }

  /** run wraps a call: busy flag, error captured as ApiError, rethrown. */
  async function run<T>(fn: () => Promise<T>): Promise<T> {
    busy.value = true
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = parseApiError(e)
      throw e
    } finally {
      busy.value = false
    }
  }

  async function login(username: string, password: string): Promise<User> {
    const u = await run(() => useApi().auth.login(username, password))
    signedIn(u)
    void refresh() // picks up idleLockMinutes from the server
    return u
  }

  async function setup(username: string, displayName: string, password: string): Promise<User> {
    const u = await run(() => useApi().auth.setup(username, displayName, password))
    signedIn(u)
    void refresh()
    return u
  }

  async function logout(): Promise<void> {
    try {
      await useApi().auth.logout()
    } finally {
      status.value = {
        needsSetup: false,
        locked: false,
        idleLockMinutes: status.value?.idleLockMinutes ?? 0,
      }
    }
  }

  /** lock shows the lock screen at once, then tells the backend. */
  async function lock(): Promise<void> {
    if (!status.value?.user) return
    status.value = { ...status.value, locked: true }
    try {
      await useApi().auth.lock()
    } catch {
      // the screen stays locked either way; Unlock re-checks the password
    }
  }

  async function unlock(password: string): Promise<User> {
    const u = await run(() => useApi().auth.unlock(password))
    signedIn(u)
    return u
  }

  function setIdleLockMinutes(m: number) {
    if (status.value) status.value = { ...status.value, idleLockMinutes: m }
  }

  return {
    status,
    busy,
    error,
    user,
    needsSetup,
    locked,
    isAdmin,
    idleLockMinutes,
    refresh,
    login,
    setup,
    logout,
    lock,
    unlock,
    setIdleLockMinutes,
  }
})
