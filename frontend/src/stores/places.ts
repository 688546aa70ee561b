import { defineStore } from 'pinia'
import { ref } from 'vue'
import { parseApiError, type ApiError } from '../api'
import { placeLabel, placeName, usePlacesApi, type Place } from '../api/places'

/** The handling places (办理地) from PlacesService.List, loaded once per session. */
export const usePlacesStore = defineStore('places', () => {
  const places = ref<Place[]>([])
  const loaded = ref(false)
  const error = ref<ApiError | null>(null)
  let pending: Promise<void> | null = null

  /** load fetches the list (once; force reloads). A failure leaves an empty list: typing codes still works. */
  function load(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve()
    if (pending) return pending
    pending = (async () => {
      error.value = null
      try {
        places.value = (await usePlacesApi().list()) ?? []
        loaded.value = true
      } catch (e) {
        error.value = parseApiError(e)
        places.value = []
      } finally {
        pending = null
      }
    })()
    return pending
  }

  return {
    places,
    loaded,
    error,
    load,
    label: (code: string) => placeLabel(code, places.value),
    name: (code: string) => placeName(code, places.value),
  }
})
