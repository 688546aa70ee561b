import { useI18n } from 'vue-i18n'
import { errText } from '../i18n/text'

/** useErrText gives a function that shows an error in the current UI language. */
export function useErrText() {
  const { locale } = useI18n()
  return (e: { zh?: string; message?: string } | null | undefined) => errText(e, locale.value)
}
