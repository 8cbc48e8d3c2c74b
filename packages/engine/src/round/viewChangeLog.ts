import { outgoingValue, PROPOSAL, valueLabel } from '../byzantine'
import type { FaultKind } from '../config'
import { NO_VALUE, viewChangeDigest, type Certificate, type NewViewBody, type SignedRequest, type SignedViewChange } from './evidence'
import type { Signatures } from './signatures'

/**
 * The VIEW-CHANGEs one replica holds for the view the round is changing to, and the one it
 * sent itself. Views only grow: a VIEW-CHANGE for a higher view starts a new collection.
 */
export class ViewChangeLog {
  target = -1
  readonly received = new Map<number, SignedViewChange>()
  /** Its own VIEW-CHANGE for `target`, once sent (or built for its NEW-VIEW). */
  own: SignedViewChange | null = null

  /** Moves the collection to `view` if it is newer; false when `view` is older than the collection. */
  private moveTo(view: number): boolean {
    if (view < this.target) return false
    if (view > this.target) {
      this.target = view
      this.received.clear()
      this.own = null
    }
    return true
  }

  /** Stores a valid VIEW-CHANGE: 'stale' when older than the collection, 'duplicate' for a sender already held. */
  add(entry: SignedViewChange): 'added' | 'stale' | 'duplicate' {
    if (!this.moveTo(entry.view)) return 'stale'
    if (this.received.has(entry.from)) return 'duplicate'
    this.received.set(entry.from, entry)
    return 'added'
  }

  /** Records its own VIEW-CHANGE for `entry.view`. */
  sent(entry: SignedViewChange): void {
    this.moveTo(entry.view)
    this.own = entry
  }

  /** Whether it sent (or built) its own VIEW-CHANGE for `view`. */
  sentFor(view: number): boolean {
    return this.target === view && this.own !== null
  }

  /** Distinct others whose valid VIEW-CHANGE for `view` it holds. */
  countFor(view: number): number {
    return this.target === view ? this.received.size : 0
  }

  /** Its set V for `view`: its own VIEW-CHANGE first, then the others it holds (all of them, or those of `only`), ascending. */
  setFor(view: number, own: SignedViewChange, only: readonly number[] | null): SignedViewChange[] {
    const others = this.target === view ? [...this.received.values()] : []
    const chosen = only === null ? others : others.filter((entry) => only.includes(entry.from))
    return [own, ...chosen].sort((a, b) => a.from - b.from)
  }
}

/** Signs a VIEW-CHANGE for `view` carrying `certificate` (or none) and the request it holds. */
export function signViewChange(
  signatures: Signatures,
  sequence: number,
  from: number,
  view: number,
  certificate: Certificate | null,
  request: SignedRequest | null,
  claimed?: string,
): SignedViewChange {
  const value = claimed ?? certificate?.value ?? NO_VALUE
  const body = { certificate, request }
  const signature = signatures.sign(from, 'view-change', view, sequence, viewChangeDigest(value, body).hex)
  return { from, view, value, body, signature }
}

/**
 * The value a replica of `kind` sends to `target` when an honest one would send `honestValue`:
 * the fault kind's value (`outgoingValue`), with the honest value standing for the proposal.
 */
export function byzantineValue(kind: FaultKind, honestValue: string, proposal: string, target: number): string {
  const id = outgoingValue(kind, PROPOSAL, target)
  return id === PROPOSAL ? honestValue : valueLabel(id, proposal)
}

/** The NEW-VIEW of `from` for `view` with set V and request: its body for `value`, and the re-proposal V determines. */
export function newViewBody(
  signatures: Signatures,
  sequence: number,
  from: number,
  view: number,
  viewChanges: readonly SignedViewChange[],
  request: SignedRequest | null,
  value: string,
  digestOf: (value: string) => string,
): NewViewBody {
  const prePrepare = signatures.sign(from, 'pre-prepare', view, sequence, digestOf(value))
  return { viewChanges, request, prePrepare }
}
