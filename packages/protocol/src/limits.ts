/**
 * The caps and defaults of live sessions: what a classroom can follow on a projector, and what
 * an anonymous client may ask the server to keep.
 */

/** Caps of a live session: beyond 100 replicas nobody can follow the dashboard. */
export const SESSION_LIMITS = {
  minNodes: 4,
  maxNodes: 100,
  /** `run-batch-experiment?rounds=R`. */
  maxBatchRounds: 100_000,
  /** Finished rounds kept per session for the history and replays. */
  historyRounds: 100,
  maxNameLength: 40,
  /** Longest value a human may type (the engine's MAX_VALUE_LENGTH). */
  maxValueLength: 64,
  maxPacingMs: 60_000,
  minPhaseTimeoutMs: 200,
  maxPhaseTimeoutMs: 3_600_000,
  maxPhaseGapMs: 10_000,
  /** `idleBotAfterMs`: a bot plays a seat whose human did not act within this long (below the phase timeout). */
  minIdleBotAfterMs: 500,
  /**
   * `maxViews`: views a live round may use (view 0 and up to 9 view changes). Each view change
   * costs about N² messages and, with the timer doubling, twice the wait of the one before:
   * a tenth view waits 512 times the first one's timeout.
   */
  maxViews: 10,
  /** `viewTimeoutMs`, the view timer of view 0 (view v waits 2^v times as long). */
  minViewTimeoutMs: 200,
  maxViewTimeoutMs: 600_000,
} as const

/** What the primary proposes when the host names nothing (the original system sends `""`). */
export const DEFAULT_PROPOSAL = 'the proposal'

/**
 * Views a live round may use unless the host says otherwise: view 0 and three view changes,
 * enough for every preset (two faulty primaries in a row need three views) with one to spare.
 * 1 is the one-attempt round of the original system.
 */
export const DEFAULT_MAX_VIEWS = 4

/**
 * The view timer of view 0 unless the host says otherwise (view v waits 2^v times as long): a
 * class waits 10 s for a silent primary before the backups ask for a new one, then 20 s for
 * the new primary of view 1, and so on.
 */
export const DEFAULT_VIEW_TIMEOUT_MS = 10_000
