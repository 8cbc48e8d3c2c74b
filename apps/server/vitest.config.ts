import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'server',
    include: ['__tests__/**/*.spec.ts'],
    environment: 'node',
  },
})
