import { readFileSync } from 'node:fs'
import { DEFAULT_ROUNDS, DEFAULT_SEED, EXPERIMENT_LIMITS } from '@pbft/protocol'
import { MAX_VIEWS } from './engine'

/** The package version, read at run time so that package.json stays the one source. */
export function cliVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const version = (manifest as { version?: unknown }).version
  return typeof version === 'string' ? version : 'unknown'
}

const QUORUM_RULE = `  --quorum-rule R   how replicas count votes: original (default; the original
                    system's rule: 2f matching messages from others, the own vote
                    never counted) or castro-liskov (OSDI'99: certificates of
                    Q = ceil((N+f+1)/2) voters, the primary's pre-prepare and the
                    replica's own vote included)`

const RANGES = `Ranges: --nodes and --p take a value (10), a comma list (4,7,10) or an inclusive
range start:end:step (0.5:1:0.05); list items may be ranges (4,7,10:40:10).
At most ${EXPERIMENT_LIMITS.maxPoints} values per flag and ${EXPERIMENT_LIMITS.maxPairs} (N, p) pairs.`

export const MAIN_HELP = `pbft: PBFT reliability over lossy links, exact theory and Monte-Carlo simulation

Usage:
  pbft theory   --nodes N --p P [--f F] [--quorum-rule R] [--metric M] [--csv | --json]
  pbft simulate --nodes N --p P [--rounds R] [--seed S] [--views K] [more options] [--json]
  pbft sweep    --nodes N --p P [--rounds R] [--seed S] [--views K] [more options] [--csv | --json]
  pbft <command> --help     options of one command
  pbft --version

Commands:
  theory    exact success probability of one round, for every (N, p) pair
            (or the client's: f + 1 matching replies)
  simulate  Monte-Carlo estimate for one configuration, with faults, link matrices
            and view changes
  sweep     Monte-Carlo estimates for every (N, p) pair, on all CPU cores

${RANGES}

Exit codes: 0 done, 1 internal error, 2 bad arguments, 130 interrupted (Ctrl-C).
`

export const THEORY_HELP = `Usage: pbft theory --nodes N --p P [--f F] [--quorum-rule R] [--metric M] [--csv | --json]

Exact probability that a PBFT round succeeds (N - f replicas commit) when every message
is delivered independently with probability p and all replicas are honest (one view),
with its complement (1 - P, computed without cancellation) and log10 P (finite where
P itself is too small for a double).

Options:
  --nodes N         replica counts, 1..${EXPERIMENT_LIMITS.maxTheoryNodes} (required)
  --p P             delivery probabilities in [0, 1] (required)
  --f F             fault bound for every N (default floor((N-1)/3))
${QUORUM_RULE}
  --metric M        success (default): N - f replicas commit the value (metric A);
                    client: the client receives f + 1 matching replies, every
                    replica that committed replying over a lossy link (metric B,
                    PBFT's own criterion). The rate fields are then the client's
  --json            one JSON object per line: {"nodes","f","p","successRate",
                    "failureRate","log10SuccessRate","quorumRule","metric"}
                    (log10SuccessRate is null where successRate is exactly 0)
  --csv             the same as CSV, with a header row
  -h, --help        this help

Rows run over nodes, then p.

${RANGES}

Examples:
  pbft theory --nodes 4,7,10 --p 0.5:1:0.05 --json
  pbft theory --nodes 4 --p 0.9 --quorum-rule castro-liskov
  pbft theory --nodes 4,7 --p 0.9 --metric client
`

export const SIMULATE_HELP = `Usage: pbft simulate --nodes N --p P [options] [--json]

Monte-Carlo estimate of the success rate of one configuration, with a 95% Wilson
interval, the failing phase of each failed round and the exact theory where it applies
(one p for every link and no Byzantine replica but silent backups; otherwise
theoreticalSuccessRate is null). A round succeeds when N - f honest replicas commit one
value and none commits another: a round in which honest replicas commit different
values is counted in safetyViolations, never as a success nor as a failed phase.

With --views K a round that has not reached its client may change view up to K - 1
times (OSDI'99 view changes: primary of view v is v mod N): success within K views.
Every round also plays the client, who accepts on f + 1 matching replies.

Options:
  --nodes N         replica count, 1..${EXPERIMENT_LIMITS.maxSimulationNodes} (required)
  --p P             delivery probability in [0, 1] (required unless --links)
  --f F             fault bound (default floor((N-1)/3))
  --rounds R        rounds to play, 1..${EXPERIMENT_LIMITS.maxRounds} (default ${DEFAULT_ROUNDS})
  --seed S          integer seed (default ${DEFAULT_SEED}): the same seed gives the same
                    result, so runs are reproducible unless you pick another seed
  --faults LIST     Byzantine replicas as id:kind pairs, e.g. 0:equivocate,3:silent
                    kinds: honest, silent, wrong-value, equivocate, tamper
  --no-auth         do not authenticate messages (tampering then goes undetected)
  --links FILE      JSON file with an N×N array of per-link delivery probabilities
                    (links[from][to]); replaces --p
  --path PATH       auto (default): fast when all replicas are honest with one p,
                    else message; fast samples each phase's counts, message plays
                    every message (both estimate the same rate, from different draws)
  --workers K       worker threads for long runs (default: one per CPU core);
                    short runs stay in this thread. Results do not depend on K
${QUORUM_RULE}
  --views K         views a round may use, 1..${MAX_VIEWS} (default 1: one attempt, the
                    figures of before views, bit for bit). K > 1 plays the message
                    path and has no theory (theoreticalSuccessRate is null)
  --json            one JSON line: {"nodes","f","p","rounds","seed","successes",
                    "successRate","ci95","theoreticalSuccessRate","failures",
                    "elapsedMs","safetyViolations","meanMessages","path",
                    "quorumRule","views","meanViews","clientAcceptRate"}
                    views: K; meanViews: the mean number of views the rounds used
                    (1 when decided in view 0, 2 in view 1); clientAcceptRate: the
                    share of rounds whose client got f + 1 matching replies
  -h, --help        this help

A progress bar is drawn on stderr when it is a terminal. Ctrl-C stops the run (exit 130).

Examples:
  pbft simulate --nodes 10 --p 0.9 --rounds 100000 --seed 7 --json
  pbft simulate --nodes 7 --p 0.95 --faults 0:equivocate --no-auth
  pbft simulate --nodes 4 --p 1 --faults 3:silent --quorum-rule castro-liskov
  pbft simulate --nodes 4 --p 0.95 --faults 0:silent --views 3 --quorum-rule castro-liskov
`

export const SWEEP_HELP = `Usage: pbft sweep --nodes N --p P [--rounds R] [--seed S] [--workers K] [--quorum-rule R]
                  [--views K] [--csv | --json]

One Monte-Carlo run per (N, p) pair, all replicas honest, spread over worker threads,
next to the exact theory. Results do not depend on the number of workers.

Options:
  --nodes N     replica counts, 1..${EXPERIMENT_LIMITS.maxSimulationNodes} (required)
  --p P         delivery probabilities in [0, 1] (required)
  --rounds R    rounds per point, 1..${EXPERIMENT_LIMITS.maxRounds} (default ${DEFAULT_ROUNDS})
  --seed S      integer seed (default ${DEFAULT_SEED})
  --workers K   worker threads for long sweeps (default: one per CPU core)
  --quorum-rule R
                original (default) or castro-liskov: how replicas count votes,
                as for pbft simulate
  --views K     views a round may use, 1..${MAX_VIEWS} (default 1), as for pbft simulate
  --csv         CSV with a header row: nodes,f,p,rounds,seed,successes,successRate,
                ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,
                failuresPrepare,failuresCommit,pointSeed,quorumRule,
                safetyViolations,views,meanViews,clientAcceptRate
  --json        one JSON object per point, with the fields of simulate --json
                (elapsedMs is null: points run interleaved, so they have no own
                time), then "pointSeed", "quorumRule", "views", "meanViews" and
                "clientAcceptRate"
  -h, --help    this help

Points run over nodes, then p. 'seed' is the sweep's --seed; each point runs on
its own seed derived from --seed, N and p, reported as 'pointSeed': 'pbft simulate'
with that N, p, --rounds, --views and --seed <pointSeed> reproduces the point
exactly.

${RANGES}

Example:
  pbft sweep --nodes 4,7,10 --p 0.5:1:0.01 --rounds 20000 --seed 1 --csv > sweep.csv
`
