import { DomainError } from '../../src/errors/domainError'
import { httpStatus, refusal } from '../../src/errors/refusals'

/** A refusal as clients receive it: the HTTP status of the one table, the code and the message. */
export interface ClientRefusal {
  status: number
  code: string
  message: string
}

/**
 * How a client would be refused by what `action` throws (or rejects with): fails the test when
 * it succeeds or throws anything but a DomainError.
 */
export async function refusalOf(action: Promise<unknown> | (() => unknown)): Promise<ClientRefusal> {
  let thrown: unknown = null
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (error) {
    thrown = error
  }
  if (!(thrown instanceof DomainError)) throw new Error(`expected a refusal (a DomainError), got ${thrown === null ? 'success' : String(thrown)}`)
  return { status: httpStatus(thrown), ...refusal(thrown) }
}
