/**
 * English messages: the reference dictionary. Its shape is the type every other locale must
 * match (see `Messages`), and a unit test checks that the key sets are identical.
 * Placeholders are written `{name}` and filled by `t(key, { name })`.
 */
import { hostEn } from './host.en'
import { participantEn } from './participant.en'
import { rulesEn } from './rules.en'

export const en = {
  host: hostEn,
  participant: participantEn,
  rules: rulesEn,
  app: {
    name: 'PBFT Classroom',
    skipToContent: 'Skip to content',
  },
  nav: {
    label: 'Main navigation',
    home: 'Host',
    join: 'Join',
    experiment: 'Experiment',
    history: 'History',
    openMenu: 'Menu',
    closeMenu: 'Close',
  },
  language: {
    label: 'Language',
    // Language names are written in their own language, whatever the current locale.
    en: 'English',
    zhCN: '简体中文',
  },
  titles: {
    home: 'Host a session',
    join: 'Join a session',
    node: 'Your replica',
    experiment: 'Reliability experiment',
    history: 'History',
    notFound: 'Page not found',
  },
  placeholder: {
    comingSoon: 'This page is being built.',
    experimentLink: 'Open the reliability experiment',
  },
  home: {
    lead: 'Create a PBFT session, show its QR code on the projector, and let students take replica seats from their phones.',
    cli: 'The research instrument also runs from the command line: pnpm pbft theory, pnpm pbft simulate and pnpm pbft sweep.',
  },
  join: {
    lead: 'Scan the QR code on the projector, or type the short code your instructor shows.',
    session: 'Session {sessionId}',
  },
  node: {
    seat: 'Session {sessionId}, replica {nodeId}',
  },
  history: {
    lead: 'Replay finished sessions and experiments.',
    session: 'Session {sessionId}',
  },
  notFound: {
    text: 'There is no page at {path}.',
    back: 'Back to the start page',
  },
  experiment: {
    lead: 'How often does one PBFT round reach consensus when each message arrives with probability p? Monte-Carlo runs against the exact formula.',
    form: {
      label: 'Experiment parameters',
      nodes: 'Nodes N',
      nodesHint: 'One value, a list like 4,7,10 or a range like 4:40:3.',
      p: 'Delivery probability p',
      pHint: 'One value like 0.9, or a range like 0.5:1:0.01.',
      rounds: 'Rounds',
      roundsHint: 'Monte-Carlo rounds per point.',
      seed: 'Seed',
      seedHint: 'The same seed gives the same numbers.',
      run: 'Run',
      cancel: 'Cancel',
    },
    mode: {
      convergence: 'One p: the cumulative success rate round by round, computed in this browser.',
      sweep: 'A range of p ({points} points): one Monte-Carlo point per p, computed on the server.',
    },
    errors: {
      required: 'Required.',
      notNumber: '{value} is not a number.',
      notProbability: '{value} is not a probability between 0 and 1.',
      notInteger: '{value} is not an integer ≥ {min}.',
      aboveLimit: '{value} is above the limit of {max}.',
      oneValue: '{value} is a list or a range, but one value is expected here.',
      needsStep: '{value} needs a step, for example {example}.',
      stepPositive: 'The step {step} must be greater than 0.',
      stepInteger: 'The step {step} must be an integer.',
      startAfterEnd: 'The start {start} is greater than the end {end}.',
      tooManyValues: '{value} gives {count} values, more than the {max} allowed.',
      tooManyValuesList: '{value} gives more than the {max} values allowed.',
      emptyItem: 'An item of the list is empty.',
      tooManyPairs: 'Nodes × p gives {pairs} points, more than the {max} allowed.',
      tooManyRounds: 'Nodes × p × rounds gives {rounds} rounds, more than the {max} allowed.',
      tooLarge: 'This sweep is too large for the server (about {work} messages); use the command line for bigger runs.',
      failed: 'The experiment failed: {message}',
    },
    status: {
      idle: 'Ready.',
      running: 'Running…',
      done: 'Done.',
      cancelled: 'Cancelled.',
      failed: 'Failed.',
      server: 'Computed on the server.',
      browser: 'Computed in this browser.',
      fallback: 'The server cannot be reached, so the sweep runs in this browser instead.',
    },
    progress: {
      label: 'Progress',
      rounds: '{done} of {total} rounds',
    },
    chart: {
      label: 'Chart',
      round: 'Round',
      successRate: 'Success rate',
      p: 'Delivery probability p',
      cumulative: 'N = {nodes}, cumulative rate',
      monteCarlo: 'N = {nodes}, Monte-Carlo',
      theory: 'N = {nodes}, exact',
      convergenceNote: 'Solid: cumulative Monte-Carlo success rate after each round. Dashed: the exact success probability.',
      sweepNote: 'Points: Monte-Carlo success rate with its 95 % Wilson interval. Dashed: the exact success probability.',
      theoryScope: 'The exact curve holds for all-honest replicas with the same p on every link.',
      empty: 'Run an experiment to draw the chart.',
    },
    table: {
      label: 'Results',
      nodes: 'N',
      f: 'f',
      p: 'p',
      rounds: 'Rounds',
      successes: 'Successes',
      rate: 'Success rate',
      ci95: '95 % interval',
      theory: 'Exact',
      failures: 'Failures by phase',
      prePrepare: 'Pre-prepare',
      prepare: 'Prepare',
      commit: 'Commit',
      pages: 'Result pages',
      previous: 'Previous',
      next: 'Next',
      page: 'Page {page} of {pages}',
    },
    export: {
      label: 'Export',
      csv: 'CSV',
      png: 'PNG',
      json: 'JSON',
    },
  },
} as const
