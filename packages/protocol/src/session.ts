/**
 * Live classroom sessions, by concern (each file holds one; this one gathers them so that
 * imports of `./session` stay as they were):
 *
 * - `limits.ts`: caps and defaults (SESSION_LIMITS, DEFAULT_MAX_VIEWS, DEFAULT_VIEW_TIMEOUT_MS)
 * - `terms.ts`: fault kinds, phases and message types, statuses, session codes, replica ids
 * - `presets.ts`: the host form's one-click lessons (SESSION_PRESETS)
 * - `sessionSettings.ts`: the settings a session keeps and the configuration clients see
 * - `sessionBodies.ts`: the REST bodies and answers
 * - `sessionViews.ts`: seats and the public session info
 * - `roundRecords.ts`: outcomes, round logs, round records, traced messages
 * - `sessionDocument.ts`: the versioned stored document and the history export's upgrade
 *
 * Socket events live in `socket.ts`, the replica and host views in `replicaViews.ts`.
 */
export * from './limits'
export * from './terms'
export * from './presets'
export * from './sessionSettings'
export * from './sessionBodies'
export * from './sessionViews'
export * from './roundRecords'
export * from './sessionDocument'
