import { defineProject } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineProject({
  plugins: [vue()],
  test: {
    name: 'web',
    include: ['__tests__/**/*.spec.ts'],
    // Components and composables touch window, localStorage and the DOM.
    environment: 'happy-dom',
  },
})
