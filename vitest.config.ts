import { defineConfig } from 'vitest/config'

// Vitest 4 ignores vitest.workspace.ts: the projects are declared here, one config per package.
// apps/web/e2e is the browser suite: it needs `pnpm build` first (the root `pnpm test` does it).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'apps/web/e2e', 'scripts'],
  },
})
