import { defineConfig } from 'vitest/config'

// Vitest 4 ignores vitest.workspace.ts: the projects are declared here, one config per package.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
})
