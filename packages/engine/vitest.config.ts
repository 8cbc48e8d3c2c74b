import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'engine',
    include: ['__tests__/**/*.spec.ts'],
    environment: 'node',
  },
})
