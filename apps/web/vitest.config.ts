import { defineProject } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineProject({
  plugins: [vue()],
  test: {
    name: 'web',
    include: ['__tests__/**/*.spec.ts'],
    environment: 'node',
  },
})
