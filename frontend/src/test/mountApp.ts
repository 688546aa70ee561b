import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import type { Component } from 'vue'
import { makeI18n } from '../i18n'
import { makeRouter } from '../router'
import { useAuthStore } from '../stores/auth'

/** mountWith mounts a component with Pinia, i18n (zh-CN), the router and Element Plus. */
export async function mountWith<C extends Component>(comp: C, opts: ComponentMountingOptions<C> = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuthStore(pinia)
  const router = makeRouter(() => (auth.user ? auth.isAdmin : null))
  await router.push('/home')
  await router.isReady()
  const wrapper = mount(comp, {
    attachTo: document.body,
    ...opts,
    global: { plugins: [pinia, router, makeI18n('zh-CN'), ElementPlus] },
  })
  return { wrapper, router, pinia }
}

export async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0))
}
