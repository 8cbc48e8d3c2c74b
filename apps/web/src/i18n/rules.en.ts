/**
 * English words for the quorum rules and the three outcomes, shared by the host form, the
 * projector, the history, the phone and the experiment page (merged into `en.ts` as `rules`).
 */
export const rulesEn = {
  name: {
    original: 'original rule',
    'castro-liskov': 'Castro–Liskov rule',
  },
  /** The rule a round (or a session) plays with, always shown with it. */
  label: 'Quorum rule: {rule}',
  short: {
    original: 'original',
    'castro-liskov': 'Castro–Liskov',
  },
  /** What each rule does, in one plain sentence. */
  explain: {
    original: 'The original system’s rule: a replica counts only the others’ votes, 2f of them, so with f replicas silent no round can decide.',
    'castro-liskov': 'The PBFT paper’s rule: a replica counts its own vote too, so a round still decides with up to f silent replicas.',
  },
  /** On the host form: what the rule not chosen would do. */
  other: {
    original: 'The other choice, the Castro–Liskov rule of the PBFT paper, also counts each replica’s own vote: the class still decides when up to f students do not act.',
    'castro-liskov': 'The other choice, the original system’s rule, never counts a replica’s own vote: with one silent student among four, no round can decide.',
  },
  outcome: {
    success: 'success',
    'no-decision': 'no decision',
    'safety-violated': 'safety violated',
  },
}
