import { randomInt } from 'node:crypto'
import { SESSION_ID_ALPHABET, SESSION_ID_LENGTH } from '@pbft/protocol'

/**
 * A new session code: 6 characters from a 31-letter alphabet without look-alikes, about 8.9·10^8
 * codes. That is enough against guessing in a classroom (joining still needs a seat, and the
 * host's actions a 256-bit token), and short enough to type on a phone.
 */
export function newSessionId(taken: (id: string) => boolean): string {
  for (;;) {
    let id = ''
    for (let i = 0; i < SESSION_ID_LENGTH; i++) id += SESSION_ID_ALPHABET[randomInt(SESSION_ID_ALPHABET.length)]
    if (!taken(id)) return id
  }
}

/** A fresh 32-bit round seed. */
export function newRoundSeed(): number {
  return randomInt(0, 0x1_0000_0000)
}
