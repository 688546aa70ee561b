import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Language } from '../api'
import { rememberLanguage, savedLanguage } from '../i18n'

/** UI: language and the shortcut help dialog. */
export const useUiStore = defineStore('ui', () => {
  const language = ref<Language>(savedLanguage())
  const helpOpen = ref(false)

  function setLanguage(l: Language) {
    language.value = l
    rememberLanguage(l)
  }

  return { language, helpOpen, setLanguage }
})
