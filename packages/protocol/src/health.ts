import { z } from 'zod'

/** `GET /api/health` answer. */
export const HealthResponse = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
})
export type HealthResponse = z.infer<typeof HealthResponse>
