import { defineProject } from 'vitest/config'

/**
 * Browser tests: the real server (in-process) serving the built app (apps/web/dist) to Debian's
 * Chromium driven by playwright-core. They build nothing: `pnpm test` runs `pnpm build` first.
 */
export default defineProject({
  test: {
    name: 'web-e2e',
    include: ['**/*.spec.ts'],
    environment: 'node',
    // One Chromium at a time: the machine has two cores and the other projects run alongside.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
