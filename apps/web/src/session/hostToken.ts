/**
 * The host token of each session this browser created, kept in localStorage so that the
 * instructor's tab survives a reload (the URL carries only the session code). The join URL is
 * kept with it: the server computes it (LAN address or PUBLIC_URL) only when creating.
 */

export interface StoredHost {
  sessionId: string
  hostToken: string
  joinUrl: string | null
  savedAt: number
}

export const HOST_TOKEN_PREFIX = 'pbft.host.'
export const LAST_HOST_KEY = 'pbft.host.last'

/** The storage we may use, or null when it is disabled (private modes, sandboxed frames). */
function defaultStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

const keyOf = (sessionId: string): string => `${HOST_TOKEN_PREFIX}${sessionId.toUpperCase()}`

export function saveHostToken(
  entry: { sessionId: string; hostToken: string; joinUrl?: string | null },
  storage: Storage | null = defaultStorage(),
  now: number = Date.now(),
): void {
  if (!storage) return
  const sessionId = entry.sessionId.toUpperCase()
  const stored: StoredHost = { sessionId, hostToken: entry.hostToken, joinUrl: entry.joinUrl ?? null, savedAt: now }
  try {
    storage.setItem(keyOf(sessionId), JSON.stringify(stored))
    storage.setItem(LAST_HOST_KEY, sessionId)
  } catch {
    // Full or disabled storage: the session works, only a reload loses the host's controls.
  }
}

export function loadHostToken(sessionId: string, storage: Storage | null = defaultStorage()): StoredHost | null {
  if (!storage) return null
  let raw: string | null
  try {
    raw = storage.getItem(keyOf(sessionId))
  } catch {
    return null
  }
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<StoredHost>
    if (typeof value.hostToken !== 'string' || value.hostToken === '') return null
    return {
      sessionId: sessionId.toUpperCase(),
      hostToken: value.hostToken,
      joinUrl: typeof value.joinUrl === 'string' ? value.joinUrl : null,
      savedAt: typeof value.savedAt === 'number' ? value.savedAt : 0,
    }
  } catch {
    return null
  }
}

export function forgetHostToken(sessionId: string, storage: Storage | null = defaultStorage()): void {
  if (!storage) return
  try {
    storage.removeItem(keyOf(sessionId))
    if (storage.getItem(LAST_HOST_KEY) === sessionId.toUpperCase()) storage.removeItem(LAST_HOST_KEY)
  } catch {
    // Nothing to forget.
  }
}

/** The session this browser hosted last, if its token is still there. */
export function lastHostedSession(storage: Storage | null = defaultStorage()): string | null {
  if (!storage) return null
  try {
    const id = storage.getItem(LAST_HOST_KEY)
    return id && loadHostToken(id, storage) ? id : null
  } catch {
    return null
  }
}

/** Session codes are 6 characters of an alphabet without look-alikes; anything else is not one. */
export function isSessionCode(value: unknown): value is string {
  return typeof value === 'string' && /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/i.test(value)
}
