import { readFileSync } from 'node:fs'
import { DEFAULT_ROUNDS, DEFAULT_SEED, EXPERIMENT_LIMITS } from '@pbft/protocol'

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
  pbft theory   --nodes N --p P [--f F] [--quorum-rule R] [--csv | --json]
  pbft simulate --nodes N --p P [--rounds R] [--seed S] [more options] [--json]
  pbft sweep    --nodes N --p P [--rounds R] [--seed S] [--workers K] [--quorum-rule R] [--csv | --json]
  pbft <command> --help     options of one command
  pbft --version

Commands:
  theory    exact success probability of one round, for every (N, p) pair
  simulate  Monte-Carlo estimate for one configuration, with faults and link matrices
  sweep     Monte-Carlo estimates for every (N, p) pair, on all CPU cores

${RANGES}

Exit codes: 0 done, 1 internal error, 2 bad arguments, 130 interrupted (Ctrl-C).
`

export const THEORY_HELP = `Usage: pbft theory --nodes N --p P [--f F] [--quorum-rule R] [--csv | --json]

Exact probability that a PBFT round succeeds (N - f replicas commit) when every message
is delivered independently with probability p and all replicas are honest, with its
complement (1 - P, computed without cancellation) and log10 P (finite where P itself
is too small for a double).

Options:
  --nodes N         replica counts, 1..${EXPERIMENT_LIMITS.maxTheoryNodes} (required)
  --p P             delivery probabilities in [0, 1] (required)
  --f F             fault bound for every N (default floor((N-1)/3))
${QUORUM_RULE}
  --json            one JSON object per line: {"nodes","f","p","successRate",
                    "failureRate","log10SuccessRate","quorumRule"}
                    (log10SuccessRate is null where successRate is exactly 0)
  --csv             the same as CSV, with a header row
  -h, --help        this help

Rows run over nodes, then p.

${RANGES}

Examples:
  pbft theory --nodes 4,7,10 --p 0.5:1:0.05 --json
  pbft theory --nodes 4 --p 0.9 --quorum-rule castro-liskov
`

export const SIMULATE_HELP = `Usage: pbft simulate --nodes N --p P [options] [--json]

Monte-Carlo estimate of the success rate of one configuration, with a 95% Wilson
interval, the failing phase of each failed round and the exact theory where it applies
(one p for every link and no Byzantine replica but silent backups; otherwise
theoreticalSuccessRate is null). A round succeeds when N - f honest replicas commit one
value and none commits another: a round in which honest replicas commit different
values is counted in safetyViolations, never as a success nor as a failed phase.

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
  --json            one JSON line: {"nodes","f","p","rounds","seed","successes",
                    "successRate","ci95","theoreticalSuccessRate","failures",
                    "elapsedMs","safetyViolations","meanMessages","path",
                    "quorumRule"}
  -h, --help        this help

A progress bar is drawn on stderr when it is a terminal. Ctrl-C stops the run (exit 130).

Examples:
  pbft simulate --nodes 10 --p 0.9 --rounds 100000 --seed 7 --json
  pbft simulate --nodes 7 --p 0.95 --faults 0:equivocate --no-auth
  pbft simulate --nodes 4 --p 1 --faults 3:silent --quorum-rule castro-liskov
`

export const SWEEP_HELP = `Usage: pbft sweep --nodes N --p P [--rounds R] [--seed S] [--workers K] [--quorum-rule R] [--csv | --json]

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
  --csv         CSV with a header row: nodes,f,p,rounds,seed,successes,successRate,
                ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,
                failuresPrepare,failuresCommit,pointSeed
  --json        one JSON object per point, with the fields of simulate --json
                (elapsedMs is null: points run interleaved, so they have no own
                time), then "pointSeed" and "quorumRule"
  -h, --help    this help

Points run over nodes, then p. 'seed' is the sweep's --seed; each point runs on
its own seed derived from --seed, N and p, reported as 'pointSeed': 'pbft simulate'
with that N, p, --rounds and --seed <pointSeed> reproduces the point exactly.

${RANGES}

Example:
  pbft sweep --nodes 4,7,10 --p 0.5:1:0.01 --rounds 20000 --seed 1 --csv > sweep.csv
`
