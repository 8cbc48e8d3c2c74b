/**
 * The host token of each session this browser created, kept in localStorage so that the
 * instructor's tab survives a reload (the URL carries only the session code). The join URL is
 * kept with it: the server computes it (LAN address or PUBLIC_URL) only when creating.
 */
import type { Ref } from 'vue'
import { browserStorage, jsonSerializer, withStoredValue, type StorageLike } from '../composables/useStoredValue'

export interface StoredHost {
  sessionId: string
  hostToken: string
  joinUrl: string | null
  savedAt: number
}

export const HOST_TOKEN_PREFIX = 'pbft.host.'
export const LAST_HOST_KEY = 'pbft.host.last'

const keyOf = (sessionId: string): string => `${HOST_TOKEN_PREFIX}${sessionId.toUpperCase()}`

/** A stored host entry of `sessionId`, or null when it is damaged or has no token. */
function hostSerializer(sessionId: string) {
  return jsonSerializer<StoredHost>((value) => {
    if (value === null || typeof value !== 'object') return null
    const entry = value as Partial<StoredHost>
    if (typeof entry.hostToken !== 'string' || entry.hostToken === '') return null
    return {
      sessionId: sessionId.toUpperCase(),
      hostToken: entry.hostToken,
      joinUrl: typeof entry.joinUrl === 'string' ? entry.joinUrl : null,
      savedAt: typeof entry.savedAt === 'number' ? entry.savedAt : 0,
    }
  })
}

/** The last hosted session's code, kept as plain text. */
const codeSerializer = { read: (raw: string): string | null => raw || null, write: (value: string | null): string => value ?? '' }

function withHost<R>(sessionId: string, storage: StorageLike | null, use: (entry: Ref<StoredHost | null>) => R): R {
  return withStoredValue<StoredHost | null, R>(keyOf(sessionId), null, hostSerializer(sessionId), storage, use)
}

function withLastHost<R>(storage: StorageLike | null, use: (entry: Ref<string | null>) => R): R {
  return withStoredValue<string | null, R>(LAST_HOST_KEY, null, codeSerializer, storage, use)
}

export function saveHostToken(
  entry: { sessionId: string; hostToken: string; joinUrl?: string | null },
  storage: StorageLike | null = browserStorage(),
  now: number = Date.now(),
): void {
  // Full or disabled storage: the session works, only a reload loses the host's controls.
  const sessionId = entry.sessionId.toUpperCase()
  withHost(sessionId, storage, (stored) => {
    stored.value = { sessionId, hostToken: entry.hostToken, joinUrl: entry.joinUrl ?? null, savedAt: now }
  })
  withLastHost(storage, (last) => {
    last.value = sessionId
  })
}

export function loadHostToken(sessionId: string, storage: StorageLike | null = browserStorage()): StoredHost | null {
  return withHost(sessionId, storage, (stored) => stored.value)
}

export function forgetHostToken(sessionId: string, storage: StorageLike | null = browserStorage()): void {
  if (!storage) return
  try {
    // Straight to the storage: a damaged entry reads as null, so nulling the ref would not remove it.
    storage.removeItem(keyOf(sessionId))
  } catch {
    // Nothing to forget.
  }
  withLastHost(storage, (last) => {
    if (last.value === sessionId.toUpperCase()) last.value = null
  })
}

/** The session this browser hosted last, if its token is still there. */
export function lastHostedSession(storage: StorageLike | null = browserStorage()): string | null {
  const id = withLastHost(storage, (last) => last.value)
  return id && loadHostToken(id, storage) ? id : null
}

/** Session codes are 6 characters of an alphabet without look-alikes; anything else is not one. */
export function isSessionCode(value: unknown): value is string {
  return typeof value === 'string' && /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/i.test(value)
}
