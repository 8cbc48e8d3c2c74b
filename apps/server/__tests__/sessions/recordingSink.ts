import type { HostView, ReplicaView, RoundOutcome, SessionInfo } from '@pbft/protocol'
import type { SessionSink } from '../../src/sessions/sink'

/** Remembers everything the service emitted, in order. */
export class RecordingSink implements SessionSink {
  readonly infos: SessionInfo[] = []
  readonly hostViews: HostView[] = []
  readonly replicaViews: { nodeId: number; view: ReplicaView }[] = []
  readonly outcomes: RoundOutcome[] = []
  readonly kicked: { nodeId: number; reason: string }[] = []
  readonly closed: string[] = []

  sessionInfo(_id: string, info: SessionInfo): void {
    this.infos.push(info)
  }
  hostView(_id: string, view: HostView): void {
    this.hostViews.push(view)
  }
  replicaView(_id: string, nodeId: number, view: ReplicaView): void {
    this.replicaViews.push({ nodeId, view })
  }
  roundOutcome(_id: string, outcome: RoundOutcome): void {
    this.outcomes.push(outcome)
  }
  seatKicked(_id: string, nodeId: number, reason: string): void {
    this.kicked.push({ nodeId, reason })
  }
  sessionClosed(id: string): void {
    this.closed.push(id)
  }

  viewsOf(nodeId: number): ReplicaView[] {
    return this.replicaViews.filter((entry) => entry.nodeId === nodeId).map((entry) => entry.view)
  }
}
