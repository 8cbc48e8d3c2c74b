import { describe, expect, it } from 'vitest'
import type { FaultKind } from '../../src/config'
import type { Phase } from '../../src/outcome'
import { Authenticator } from '../../src/round/authenticator'
import type { Message } from '../../src/round/message'
import { Replica, type ReplicaOptions } from '../../src/round/replica'

const auth = new Authenticator('replica tests')

function replica(overrides: Partial<ReplicaOptions> = {}): Replica {
  return new Replica({
    id: 1,
    nodes: 4,
    f: 1,
    view: 0,
    sequence: 1,
    fault: 'honest',
    proposal: 'v',
    authenticator: auth,
    ...overrides,
  })
}

function message(phase: Phase, from: number, to: number, value = 'v', extra: Partial<Message> = {}): Message {
  return { ...auth.sign({ phase, view: 0, sequence: 1, value, from, to }), ...extra }
}

/** A backup (id `to`) that accepted `value` from the primary. */
function acceptedBackup(overrides: Partial<ReplicaOptions> = {}, value = 'v'): Replica {
  const backup = replica(overrides)
  expect(backup.receive(message('pre-prepare', 0, backup.id, value))).toEqual({ status: 'accepted' })
  return backup
}

describe('Replica: pre-prepare', () => {
  it('an honest primary has accepted its proposal; a Byzantine one accepts nothing', () => {
    expect(replica({ id: 0 }).acceptedValue).toBe('v')
    expect(replica({ id: 0, fault: 'equivocate' }).acceptedValue).toBeNull()
    expect(replica().acceptedValue).toBeNull()
  })

  it('accepts an authentic pre-prepare from the primary', () => {
    const backup = acceptedBackup({}, 'v′')
    expect(backup.acceptedValue).toBe('v′')
    expect(backup.snapshot().received.prePrepare).toBe(1)
  })

  it('ignores a pre-prepare from a backup, and a second one from the primary', () => {
    const backup = replica()
    expect(backup.receive(message('pre-prepare', 2, 1))).toEqual({ status: 'ignored', reason: 'not-from-primary' })
    expect(backup.acceptedValue).toBeNull()
    expect(backup.receive(message('pre-prepare', 0, 1, 'v′'))).toEqual({ status: 'accepted' })
    expect(backup.receive(message('pre-prepare', 0, 1, 'v'))).toEqual({ status: 'ignored', reason: 'second-pre-prepare' })
    expect(backup.acceptedValue).toBe('v′')
  })

  it('ignores messages for another replica, from itself, from unknown replicas, of another view or sequence', () => {
    const backup = replica()
    expect(backup.receive(message('pre-prepare', 0, 2))).toEqual({ status: 'ignored', reason: 'not-addressed' })
    expect(backup.receive(message('pre-prepare', 1, 1))).toEqual({ status: 'ignored', reason: 'own-message' })
    expect(backup.receive(message('pre-prepare', 4, 1))).toEqual({ status: 'ignored', reason: 'unknown-sender' })
    const otherView = auth.sign({ phase: 'pre-prepare', view: 1, sequence: 1, value: 'v', from: 0, to: 1 })
    expect(backup.receive(otherView)).toEqual({ status: 'ignored', reason: 'wrong-view' })
    const otherSequence = auth.sign({ phase: 'pre-prepare', view: 0, sequence: 2, value: 'v', from: 0, to: 1 })
    expect(backup.receive(otherSequence)).toEqual({ status: 'ignored', reason: 'wrong-sequence' })
    expect(backup.acceptedValue).toBeNull()
    // A message for someone else never reached this replica, so it is not counted as received.
    expect(backup.snapshot().received.prePrepare).toBe(4)
    expect(backup.snapshot().ignored.prePrepare).toBe(4)
  })
})

describe('Replica: authentication', () => {
  const tampered = message('pre-prepare', 0, 1, 'v', { value: 'v*' })

  it('rejects a message whose value changed after it was signed', () => {
    const backup = replica()
    expect(backup.receive(tampered)).toEqual({ status: 'rejected' })
    expect(backup.acceptedValue).toBeNull()
    expect(backup.snapshot().rejected).toEqual({ prePrepare: 1, prepare: 0, commit: 0, request: 0, viewChange: 0, newView: 0 })
  })

  it('takes a tampered message at face value when authentication is off', () => {
    const backup = replica({ authentication: false })
    expect(backup.receive(tampered)).toEqual({ status: 'accepted' })
    expect(backup.acceptedValue).toBe('v*')
  })

  it('rejects at Byzantine replicas too, which otherwise ignore the protocol', () => {
    const byzantine = replica({ fault: 'wrong-value' })
    expect(byzantine.receive(tampered)).toEqual({ status: 'rejected' })
    expect(byzantine.receive(message('pre-prepare', 0, 1))).toEqual({ status: 'ignored', reason: 'byzantine' })
    expect(byzantine.acceptedValue).toBeNull()
  })
})

describe('Replica: prepare', () => {
  it('counts PREPAREs only after accepting a value', () => {
    const backup = replica()
    expect(backup.receive(message('prepare', 2, 1))).toEqual({ status: 'ignored', reason: 'not-in-round' })
    expect(backup.receive(message('pre-prepare', 0, 1)).status).toBe('accepted')
    expect(backup.snapshot().prepareCount).toBe(0)
  })

  it('counts each other sender once, matching values only, and prepares at exactly 2f', () => {
    const backup = acceptedBackup()
    expect(backup.receive(message('prepare', 2, 1, 'v′'))).toEqual({ status: 'ignored', reason: 'value-mismatch' })
    expect(backup.receive(message('prepare', 1, 1))).toEqual({ status: 'ignored', reason: 'own-message' })
    expect(backup.receive(message('prepare', 2, 1))).toEqual({ status: 'accepted' })
    expect(backup.receive(message('prepare', 2, 1))).toEqual({ status: 'ignored', reason: 'duplicate-sender' })
    expect(backup.prepared).toBe(false)
    expect(backup.receive(message('prepare', 0, 1))).toEqual({ status: 'accepted' })
    expect(backup.prepared).toBe(true)
    expect(backup.snapshot()).toMatchObject({ prepareSenders: [0, 2], prepareCount: 2, quorum: 2, prepared: true })
  })

  it('needs 2f = 4 matching PREPAREs when f = 2', () => {
    const backup = acceptedBackup({ nodes: 7, f: 2 })
    for (const from of [2, 3, 4]) backup.receive(message('prepare', from, 1))
    expect(backup.prepared).toBe(false)
    backup.receive(message('prepare', 5, 1))
    expect(backup.prepared).toBe(true)
  })

  it('with f = 0 a replica is prepared and committed as soon as it accepted a value', () => {
    const backup = replica({ nodes: 3, f: 0 })
    expect(backup.prepared).toBe(false)
    backup.receive(message('pre-prepare', 0, 1))
    expect(backup.committed).toBe(true)
    expect(backup.decidedValue).toBe('v')
    expect(replica({ id: 0, nodes: 3, f: 0 }).decidedValue).toBe('v')
  })
})

describe('Replica: commit', () => {
  function preparedBackup(): Replica {
    const backup = acceptedBackup()
    backup.receive(message('prepare', 2, 1))
    backup.receive(message('prepare', 3, 1))
    expect(backup.prepared).toBe(true)
    return backup
  }

  it('ignores COMMITs before it is prepared', () => {
    const backup = acceptedBackup()
    expect(backup.receive(message('commit', 2, 1))).toEqual({ status: 'ignored', reason: 'not-prepared' })
  })

  it('commits and decides its accepted value at exactly 2f matching COMMITs from others', () => {
    const backup = preparedBackup()
    expect(backup.receive(message('commit', 2, 1, 'v′'))).toEqual({ status: 'ignored', reason: 'value-mismatch' })
    expect(backup.receive(message('commit', 0, 1))).toEqual({ status: 'accepted' })
    expect(backup.receive(message('commit', 0, 1))).toEqual({ status: 'ignored', reason: 'duplicate-sender' })
    expect(backup.committed).toBe(false)
    expect(backup.decidedValue).toBeNull()
    expect(backup.receive(message('commit', 3, 1))).toEqual({ status: 'accepted' })
    expect(backup.committed).toBe(true)
    expect(backup.decidedValue).toBe('v')
  })

  it('has a plain, JSON-serialisable snapshot', () => {
    const snapshot = preparedBackup().snapshot()
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
    expect(snapshot).toEqual({
      id: 1,
      fault: 'honest',
      primary: false,
      acceptedValue: 'v',
      prepareSenders: [2, 3],
      commitSenders: [],
      prepareCount: 2,
      commitCount: 0,
      quorum: 2,
      quorumRule: 'original',
      prepareQuorum: 2,
      commitQuorum: 2,
      ownPrepareCounted: false,
      ownCommitCounted: false,
      prepared: true,
      committed: false,
      decidedValue: null,
      received: { prePrepare: 1, prepare: 2, commit: 0, request: 0, viewChange: 0, newView: 0 },
      rejected: { prePrepare: 0, prepare: 0, commit: 0, request: 0, viewChange: 0, newView: 0 },
      ignored: { prePrepare: 0, prepare: 0, commit: 0, request: 0, viewChange: 0, newView: 0 },
      // The classic round has no client, no timers and no view changes.
      view: 0,
      knowsRequest: false,
      timerRunning: false,
      preparedCertificate: null,
      viewChange: null,
      newView: null,
      replyDue: false,
    })
  })
})

describe('Replica: who sends and what', () => {
  const recipients = [0, 1, 2, 3, 4]
  const values = (sender: Replica, phase: Phase): string[] =>
    sender.outgoing(phase, recipients).map((sent) => sent.value)

  it('an honest primary pre-prepares its proposal and never prepares', () => {
    const primary = replica({ id: 0 })
    expect(values(primary, 'pre-prepare')).toEqual(['v', 'v', 'v', 'v', 'v'])
    expect(primary.sends('prepare')).toBe(false)
    expect(primary.outgoing('prepare', recipients)).toEqual([])
    expect(primary.receives('prepare')).toBe(true)
  })

  it('an honest backup prepares its accepted value, and commits once prepared', () => {
    const backup = replica()
    expect(backup.sends('pre-prepare')).toBe(false)
    expect(backup.sends('prepare')).toBe(false)
    expect(backup.receives('pre-prepare')).toBe(true)
    backup.receive(message('pre-prepare', 0, 1, 'v′'))
    expect(values(backup, 'prepare')).toEqual(['v′', 'v′', 'v′', 'v′', 'v′'])
    expect(backup.sends('commit')).toBe(false)
    expect(backup.receives('commit')).toBe(false)
  })

  it('Byzantine replicas send per their kind whatever they received; silent ones nothing', () => {
    const byKind = (fault: FaultKind): string[] => values(replica({ fault }), 'commit')
    expect(byKind('wrong-value')).toEqual(['v′', 'v′', 'v′', 'v′', 'v′'])
    expect(byKind('equivocate')).toEqual(['v', 'v′', 'v', 'v′', 'v'])
    expect(byKind('tamper')).toEqual(['v', 'v', 'v', 'v', 'v'])
    expect(byKind('silent')).toEqual([])
    expect(replica({ fault: 'silent' }).receives('prepare')).toBe(false)
    expect(replica({ id: 0, fault: 'equivocate' }).sends('prepare')).toBe(true)
  })

  it('signs what it sends', () => {
    for (const sent of replica({ id: 0 }).outgoing('pre-prepare', [1, 2, 3])) {
      expect(sent).toMatchObject({ phase: 'pre-prepare', view: 0, sequence: 1, from: 0 })
      expect(auth.verify(sent)).toBe(true)
    }
  })
})

describe('Replica: the castro-liskov quorum rule', () => {
  const cl = { quorumRule: 'castro-liskov' as const }

  it('counts the primary vote (the pre-prepare) and its own PREPARE once sent: N = 4 needs one other backup', () => {
    const backup = acceptedBackup(cl)
    // Q = 3: {primary, itself, one other}. Before it sent its PREPARE it needs two others.
    expect(backup.snapshot()).toMatchObject({ quorumRule: 'castro-liskov', prepareQuorum: 2, ownPrepareCounted: false })
    expect(backup.receive(message('prepare', 2, 1))).toEqual({ status: 'accepted' })
    expect(backup.prepared).toBe(false)
    backup.outgoing('prepare', [0, 2, 3])
    expect(backup.prepared).toBe(true)
    expect(backup.snapshot()).toMatchObject({ prepareQuorum: 1, quorum: 1, ownPrepareCounted: true, commitQuorum: 3 })
  })

  it('a backup that never sends its PREPARE (a human who does not act) needs Q - 1 other backups', () => {
    const backup = acceptedBackup(cl)
    backup.receive(message('prepare', 2, 1))
    backup.receive(message('prepare', 3, 1))
    expect(backup.prepared).toBe(true)
    expect(backup.snapshot().ownPrepareCounted).toBe(false)
  })

  it('ignores a PREPARE from the primary: its vote is the pre-prepare', () => {
    const backup = acceptedBackup(cl)
    expect(backup.receive(message('prepare', 0, 1))).toEqual({ status: 'ignored', reason: 'from-primary' })
    expect(acceptedBackup().receive(message('prepare', 0, 1))).toEqual({ status: 'accepted' })
  })

  it('the primary prepares with Q - 1 backups once it pre-prepared, and commits with its own COMMIT', () => {
    const primary = replica({ ...cl, id: 0 })
    primary.receive(message('prepare', 1, 0))
    primary.receive(message('prepare', 2, 0))
    expect(primary.prepared).toBe(false)
    primary.outgoing('pre-prepare', [1, 2, 3])
    expect(primary.prepared).toBe(true)
    primary.receive(message('commit', 1, 0))
    primary.receive(message('commit', 2, 0))
    expect(primary.committed).toBe(false)
    primary.outgoing('commit', [1, 2, 3])
    expect(primary.committed).toBe(true)
    expect(primary.snapshot()).toMatchObject({ ownPrepareCounted: true, ownCommitCounted: true, commitQuorum: 2 })
  })

  it('never counts own votes under the original rule', () => {
    const backup = acceptedBackup()
    backup.receive(message('prepare', 2, 1))
    backup.outgoing('prepare', [0, 2, 3])
    expect(backup.prepared).toBe(false)
    expect(backup.snapshot()).toMatchObject({ quorumRule: 'original', prepareQuorum: 2, ownPrepareCounted: false })
  })
})
