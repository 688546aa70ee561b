import { onBeforeUnmount, onMounted } from 'vue'

/** isTyping tells whether a key event comes from a text field (shortcuts like "/" must not fire there). */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null
  if (!el || typeof el.tagName !== 'string') return false
  const tag = el.tagName.toLowerCase()
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true
}

/** useKeydown adds a window keydown listener for the component's lifetime. */
export function useKeydown(handler: (e: KeyboardEvent) => void) {
  onMounted(() => window.addEventListener('keydown', handler))
  onBeforeUnmount(() => window.removeEventListener('keydown', handler))
}
