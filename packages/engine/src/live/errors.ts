/** Why a live round refused a call; the server maps these codes to what it tells a phone. */
export type LiveRoundErrorCode =
  | 'not-pending'
  | 'round-over'
  | 'not-byzantine'
  | 'bad-value'
  | 'unknown-replica'
  | 'round-not-over'

/** Thrown when the caller misuses a live round; the round's state is left unchanged. */
export class LiveRoundError extends Error {
  override name = 'LiveRoundError'

  constructor(
    readonly code: LiveRoundErrorCode,
    message: string,
  ) {
    super(message)
  }
}
