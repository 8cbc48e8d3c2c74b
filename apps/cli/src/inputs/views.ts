import { integerDomain, scalarSchema } from '@pbft/protocol'
import { MAX_VIEWS } from '../engine'

/**
 * `--views K`: the views a round may use (success within K views). 1, the default, is the
 * one-attempt round every earlier figure was measured with, bit for bit.
 */
export const ViewsFlag = scalarSchema(integerDomain(1, MAX_VIEWS)).prefault('1')
