import { effectScope, ref, type Ref } from 'vue'
import { useStorage, type Serializer, type StorageLike } from '@vueuse/core'

export type { StorageLike } from '@vueuse/core'

/** localStorage, or null where it is disabled (private modes and sandboxed frames throw on access). */
export function browserStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export interface StoredValueOptions {
  /** Follow changes made in other tabs (the app-wide choices do; one-shot reads need not). */
  followOtherTabs?: boolean
  /** Write the fallback when nothing is stored yet. */
  writeFallback?: boolean
}

/**
 * One storage entry as a ref, through VueUse's `useStorage`: read at once (through `serializer`,
 * which also validates), written synchronously when the ref changes, removed when it is set to
 * null. A storage that is missing or throws just means the value is not kept.
 */
export function useStoredValue<T>(
  key: string,
  fallback: T,
  serializer: Serializer<T>,
  storage: StorageLike | null = browserStorage(),
  options: StoredValueOptions = {},
): Ref<T> {
  // useStorage falls back to localStorage when given none: "no storage" must stay no storage.
  if (storage === null) return ref(fallback) as Ref<T>
  return useStorage<T>(key, fallback, storage, {
    serializer,
    flush: 'sync',
    listenToStorageChanges: options.followOtherTabs ?? false,
    writeDefaults: options.writeFallback ?? false,
    onError: () => undefined,
  })
}

/** A JSON entry; `parse` turns what was stored into a value, or null when it is not one of ours. */
export function jsonSerializer<T>(parse: (value: unknown) => T | null): Serializer<T | null> {
  return {
    read(raw) {
      try {
        return parse(JSON.parse(raw))
      } catch {
        return null
      }
    },
    write: (value) => JSON.stringify(value),
  }
}

/**
 * Uses one entry once (a read, a write) and lets go of its ref, so per-session entries read on
 * demand leave no watcher behind.
 */
export function withStoredValue<T, R>(
  key: string,
  fallback: T,
  serializer: Serializer<T>,
  storage: StorageLike | null,
  use: (entry: Ref<T>) => R,
): R {
  const scope = effectScope(true)
  try {
    return scope.run(() => use(useStoredValue(key, fallback, serializer, storage))) as R
  } finally {
    scope.stop()
  }
}
