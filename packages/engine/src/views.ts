/**
 * Views of a round (issue 13): how many a round may use, the random stream they draw from, and
 * how their timeouts grow. See the README, "Views and the client".
 */

/** Views a round may use at most (each costs a view change of about N² messages). */
export const MAX_VIEWS = 100

/**
 * The sub-stream of a round's seed that every draw but view 0's normal case comes from
 * (REPLYs, the client's re-broadcasts, VIEW-CHANGEs, NEW-VIEWs, later views): view 0 keeps
 * the main stream to itself, so a round that decides in view 0 plays exactly the same
 * messages whatever the number of views allowed. A live round's second stream is
 * `new Rng(seed, VIEW_STREAM)`, a Monte-Carlo chunk's `new Rng(seed, chunk, VIEW_STREAM)`.
 * The tag spells "view" in ASCII.
 */
export const VIEW_STREAM = 0x76696577

/**
 * The factor of a view's timeouts: they double with every view change (OSDI'99 §4.5.2), so
 * view v waits 2^v times as long as view 0. The engine knows no wall time: a server scales
 * its phase timeouts by this.
 */
export function timeoutFactor(view: number): number {
  return 2 ** view
}
