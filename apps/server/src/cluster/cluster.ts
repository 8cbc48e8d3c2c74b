import type { FastifyInstance } from 'fastify'
import type { ExperimentService } from '../experiments/experimentService'
import type { IoServer } from '../realtime/socketServer'
import type { CommandRunner } from '../sessions/sessionCommands'
import type { SessionService } from '../sessions/sessionService'
import type { ExperimentCall } from './experiments'
import { Forwarding, type SessionRequest } from './forwarding'
import type { ClusterLink } from './link'
import { InstanceLiveness } from './liveness'
import { Ownership, type AdoptedMessage } from './ownership'
import { RemoteSeats } from './remoteSeats'

/** What one instance asks another: about a session (its owner), or an experiment (where it runs). */
type Request = SessionRequest | ExperimentCall

/** The services a cluster member serves with (built on its ClusterLink). */
export interface ClusterServices {
  app: FastifyInstance
  sessions: SessionService
  experiments: ExperimentService
  io: IoServer
}

/**
 * Many processes behind a load balancer (REDIS_URL), composed of one part per concern:
 *
 * - the link (./link.ts): Redis connections, the fenced session store, leases, the RPC channel
 *   and the experiments' registry, built before the services;
 * - ownership (./ownership.ts): one owner process per session, which alone runs its round,
 *   timers and bots; takeover when an owner dies, on traffic or by scan;
 * - forwarding (./forwarding.ts): REST calls and session commands that reach another process
 *   are sent to the owner; the owner's room emits reach every process's sockets through the
 *   Socket.IO Redis streams adapter;
 * - liveness (./liveness.ts): instance keys, and seats marked away when the instance their
 *   socket lived on died;
 * - experiments (./experiments.ts): they run where they were posted, any instance answers.
 */
export class Cluster {
  readonly instanceId: string
  /** Session commands, run where each session is. */
  readonly commands: CommandRunner
  private readonly ownership: Ownership
  private readonly forwarding: Forwarding
  private readonly liveness: InstanceLiveness
  private crashed = false

  private constructor(
    private readonly link: ClusterLink,
    private readonly services: ClusterServices,
  ) {
    this.instanceId = link.instanceId
    const seats = new RemoteSeats()
    this.ownership = new Ownership(link, services.sessions)
    this.forwarding = new Forwarding(link, this.ownership, services.sessions, services.app, seats)
    this.commands = this.forwarding.commands
    this.liveness = new InstanceLiveness(link, services.sessions, services.io, seats, this.commands)
    // Before the session routes (a dependency of theirs): their requests reach the session's owner.
    this.forwarding.installHttpForwarding()
  }

  /**
   * Starts serving as a member: answering other instances, renewing leases and this instance's
   * liveness key, the takeover scan and the experiments' renewals.
   */
  static async start(link: ClusterLink, services: ClusterServices): Promise<Cluster> {
    const cluster = new Cluster(link, services)
    await link.rpc.start({
      handle: (body, from) => cluster.handle(body as Request, from),
      onBroadcast: (body) => {
        const message = body as AdoptedMessage
        if (message.kind === 'adopted') cluster.liveness.adopted(message.sessionId)
      },
    })
    await cluster.liveness.start()
    cluster.ownership.start()
    link.experiments.start()
    return cluster
  }

  /**
   * Tests: behave as a process that died. Renewals and the scan stop and this instance stops
   * listening for forwarded requests; its leases stay until they expire, and closing the app
   * afterwards does not release them.
   */
  crash(): void {
    this.crashed = true
    this.link.experiments.crash()
    this.stop()
    this.link.rpc.close()
  }

  /** Clean shutdown, after the sessions' last saves: leases released, forwarding stopped. */
  async shutdown(): Promise<void> {
    this.stop()
    this.link.experiments.stop()
    if (!this.crashed) {
      await this.link.leases.releaseAll().catch((error: unknown) => this.link.log.warn(`could not release leases: ${String(error)}`))
      await this.liveness.withdraw()
    }
    this.link.rpc.close()
    await this.services.io.of('/').adapter.close()
  }

  /** Answers what another instance asks this one (it sent what this codebase sends: typed JSON). */
  private async handle(request: Request, from: string): Promise<unknown> {
    if (request.kind === 'experiment') return this.link.experiments.answer(request, this.services.experiments)
    return this.forwarding.handle(request, from)
  }

  private stop(): void {
    this.ownership.stop()
    this.liveness.stop()
  }
}
