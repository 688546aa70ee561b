/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The HTTP mode of the Go services (cmd/tongban-web) for `npm run dev`.
const apiTarget = process.env.TONGBAN_API ?? 'http://127.0.0.1:34116'

export default defineConfig({
  plugins: [vue()],
  base: './',
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: true } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Component tests mount whole views; on a loaded 2-core machine the 5 s default is too tight.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
