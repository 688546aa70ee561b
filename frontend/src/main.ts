import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { makeI18n, savedLanguage } from './i18n'
import { makeRouter } from './router'
import { useAuthStore } from './stores/auth'

async function bootstrap() {
  // Dev-only mock backend (screenshots without Go): `npm run dev` or a
  // `vite build --mode mock` build, and only with ?mock=1 in the URL.
  // Production builds drop this branch entirely.
  if (import.meta.env.DEV || import.meta.env.MODE === 'mock') {
    if (new URLSearchParams(window.location.search).get('mock') === '1') {
      const { installMock } = await import('./api/mock')
      installMock(window.location.search)
    }
  }

  const app = createApp(App)
  const pinia = createPinia()
  app.use(pinia)
  const auth = useAuthStore(pinia)
  app.use(makeRouter(() => (auth.user ? auth.isAdmin : null)))
  app.use(makeI18n(savedLanguage()))
  app.use(ElementPlus)
  app.mount('#app')
}

void bootstrap()
