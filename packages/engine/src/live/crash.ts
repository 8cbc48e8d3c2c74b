/**
 * The crash of the `crash-after-prepare` lesson (a benign fault, not a Byzantine one): a
 * crashing replica is honest until it is the primary of a view; it then sends that view's
 * proposal (PRE-PREPARE, or NEW-VIEW) to only f + 1 backups, the ones after it in id order
 * (wrapping around), and stops: from then on it sends nothing and takes nothing in. The f + 1
 * it reached prepare the value (with the paper's quorum rule), so the value survives into the
 * next view through their prepared certificates.
 */

/** The recipients a crashing primary still reaches: the f + 1 after it in id order, ascending. */
export function crashReach(recipients: readonly number[], primary: number, nodes: number, f: number): number[] {
  const after = (id: number): number => (id - primary + nodes) % nodes
  return [...recipients]
    .sort((a, b) => after(a) - after(b))
    .slice(0, f + 1)
    .sort((a, b) => a - b)
}

/** Whether a phase is the one in which a view's primary sends its proposal. */
export function isProposalPhase(phase: string): boolean {
  return phase === 'pre-prepare' || phase === 'new-view'
}
