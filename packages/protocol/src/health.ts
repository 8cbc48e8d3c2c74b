import { z } from 'zod'

/** `GET /api/health` answer. */
export const HealthResponse = z.object({
  /** `degraded`: the server serves, but stored data needs a person's look (see `problems`). */
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  /** What is degraded, e.g. a snapshot file that could not be read and was quarantined (only when degraded). */
  problems: z.array(z.string()).optional(),
})
export type HealthResponse = z.infer<typeof HealthResponse>
