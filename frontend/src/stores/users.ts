import { defineStore } from 'pinia'
import { ref } from 'vue'
import { parseApiError, useApi, type ApiError, type Role, type User } from '../api'

/** Users: the admin's account list. */
export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([])
  const loading = ref(false)
  const error = ref<ApiError | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      users.value = (await useApi().auth.listUsers()) ?? []
    } catch (e) {
      error.value = parseApiError(e)
    } finally {
      loading.value = false
    }
  }

  function replace(u: User) {
    const i = users.value.findIndex((x) => x.username === u.username)
    if (i >= 0) users.value.splice(i, 1, u)
    else users.value.push(u)
  }

  async function add(username: string, displayName: string, role: Role, password: string): Promise<User> {
    const u = await useApi().auth.addUser(username, displayName, role, password)
    replace(u)
    return u
  }

  async function setDisabled(username: string, disabled: boolean): Promise<User> {
    try {
      const u = await useApi().auth.setDisabled(username, disabled)
      replace(u)
      return u
    } catch (e) {
      error.value = parseApiError(e)
      throw e
    }
  }

  return { users, loading, error, load, add, setDisabled }
})
