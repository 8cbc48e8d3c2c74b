import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { precompress } from './scripts/precompress.ts'

export default defineConfig({
  // precompress: .br and .gz beside every built text file, served as they are (see scripts/precompress.ts).
  plugins: [vue(), precompress()],
  server: {
    // The dev server forwards API and socket traffic to a locally running apps/server.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
  // ES-module workers share the app's module graph semantics (and may split chunks later).
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // scripts/bundleReport.ts reads the manifest to measure what each route downloads.
    manifest: true,
    // The ECharts chunk (~560 KB raw, ~190 KB gzip) is expected: it loads lazily, on the Experiment page only.
    chunkSizeWarningLimit: 600,
  },
})
