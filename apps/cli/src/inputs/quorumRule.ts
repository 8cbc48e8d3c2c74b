import { z } from 'zod'
import { QUORUM_RULES } from '../engine'

/**
 * `--quorum-rule original|castro-liskov`: how replicas count votes (packages/engine, quorum.ts).
 * The original system's rule is the default, so every published number holds unchanged.
 */
export const QuorumRuleFlag = z
  .enum(QUORUM_RULES, { error: (issue) => `expected ${QUORUM_RULES.join(' or ')}, got "${String(issue.input)}"` })
  .default('original')
