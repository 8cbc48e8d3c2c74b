/** Document ids become file names, so they are limited to characters safe in both. */
export const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Throws for an id that is not a safe file name (a bug in the caller, not bad data). */
export function checkDocumentId(id: string): void {
  if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) {
    throw new RangeError(`invalid document id ${JSON.stringify(id)}: ids match ${DOCUMENT_ID.source}`)
  }
}
