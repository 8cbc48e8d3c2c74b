import fc from 'fast-check'

/**
 * Generators shared by the fuzz suites. Everything is seeded (see FUZZ_SEED) so a failure
 * reproduces: fast-check prints the seed and the counterexample path; rerun with
 * `PBFT_FUZZ_SEED=<seed>` (and `PBFT_FUZZ_RUNS=<n>` for a quicker or longer run). `pnpm test`
 * runs 1,000 cases per target; `pnpm fuzz` runs these suites alone with 10,000.
 */

/** Runs per target (each HTTP route, each socket event); 1,000 unless PBFT_FUZZ_RUNS says otherwise (`pnpm fuzz`: 10,000). */
export const FUZZ_RUNS = Number(process.env.PBFT_FUZZ_RUNS ?? 1_000)
/** Base seed; target i uses FUZZ_SEED + i, so adding a target does not change the others' cases. */
export const FUZZ_SEED = Number(process.env.PBFT_FUZZ_SEED ?? 20_261_125)

/** JSON text of anything fast-check can make (undefined, -0, NaN, Infinity, Dates, sparse arrays… as JSON says). */
export const anythingJson: fc.Arbitrary<string> = fc
  .anything({ maxDepth: 4, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withDate: true, withTypedArray: true })
  .map((value) => {
    try {
      return JSON.stringify(value) ?? 'null'
    } catch {
      return 'null'
    }
  })

/** A printable ASCII string, as header values must be. */
export const printable = (maxLength = 60): fc.Arbitrary<string> => fc.string({ unit: 'grapheme-ascii', maxLength })

/** Numbers that break naive code: edges, non-integers, huge, negative. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 3, 4, 99, 100, 101, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 0.5),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** A value of a wrong or right type for any field. */
export const anyField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: edgeNumber },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.boolean(),
  fc.constant(null),
)

/** A record of the given field arbitraries, each present or not, plus a few unknown fields. */
export function nearValid(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const withWrong = Object.fromEntries(Object.entries(fields).map(([key, arb]) => [key, fc.oneof({ weight: 3, arbitrary: arb }, anyField)]))
  return fc
    .tuple(fc.record(withWrong, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 12 }), anyField, { maxKeys: 2 }))
    .map(([known, extra]) => ({ ...extra, ...known }))
}

const BODY_LIMIT = 256 * 1024

/** Deeply nested JSON text (arrays or objects), up to the body limit. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 100, max: 120_000 }), fc.constantFrom('array', 'object', 'unbalanced'))
  .map(([depth, kind]) => {
    if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`
    if (kind === 'object') {
      const levels = Math.min(depth, Math.floor(BODY_LIMIT / 7) - 10)
      return `{"nodeCount":4,"x":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`
    }
    return '['.repeat(depth)
  })

/** A big body: a huge string just within (or, sometimes, beyond) the 256 KiB body limit. */
export const hugeJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50_000, max: BODY_LIMIT - 64 }), fc.boolean(), fc.constantFrom('pad', 'nodeCount', 'name', 'proposalContent', 'nodes', 'p', 'seed'))
  .map(([size, over, key]) => `{"${key}":"${'x'.repeat(over && size > 200_000 ? BODY_LIMIT + 100 : size)}"}`)

/** Scalars and shapes of the wrong type, as JSON text. */
export const wrongTypeJson: fc.Arbitrary<string> = fc.constantFrom('null', 'true', 'false', '0', '-1', '1e999', '"text"', '""', '[]', '[{}]', '{}', '{"__proto__":{"nodeCount":4}}', '{"constructor":{"prototype":{}}}')

/** Not JSON at all, or broken JSON. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('{', '{"nodeCount":', '{"a":1,}', "{'a':1}", 'NaN', '\u0000', '\ufeff{}', '{"a":"\\ud800"}', '[1,2'),
)

export interface BodyCase {
  payload: string | undefined
  contentType: string | undefined
}

const CONTENT_TYPES: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  fc.constant(undefined),
  fc.constantFrom(
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'APPLICATION/JSON',
    'application/json;;;',
    '*/*',
  ),
  printable(40),
)

/** A request body: JSON values of every kind, near-valid records for the route, and abuse. */
export function bodyCase(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<BodyCase> {
  // Weights out of 200: deep nesting and huge bodies are 1% each (~10 of 1,000 cases per route, ~100 of `pnpm fuzz`'s 10,000),
  // enough to hit every parser path without making them the bulk of the run time.
  const text = fc.oneof(
    { weight: 80, arbitrary: nearValid(fields).map((value) => JSON.stringify(value)) },
    { weight: 40, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)) },
    { weight: 30, arbitrary: anythingJson },
    { weight: 24, arbitrary: wrongTypeJson },
    { weight: 22, arbitrary: malformedJson },
    { weight: 2, arbitrary: deepJson },
    { weight: 2, arbitrary: hugeJson },
  )
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ payload: text, contentType: CONTENT_TYPES }) },
    { weight: 1, arbitrary: fc.record({ payload: fc.constant(undefined), contentType: CONTENT_TYPES }) },
  )
}

/** Which Authorization header to send; tokens are resolved against the live session at run time. */
export type AuthChoice =
  | { kind: 'none' }
  | { kind: 'raw'; value: string }
  | { kind: 'bearer'; token: 'host' | 'seat' | 'otherHost' | 'random'; random: string; scheme: string }

export const authChoice: fc.Arbitrary<AuthChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<AuthChoice>({ kind: 'none' }) },
  { weight: 2, arbitrary: printable(120).map((value): AuthChoice => ({ kind: 'raw', value })) },
  {
    weight: 4,
    arbitrary: fc
      .record({ token: fc.constantFrom('host', 'seat', 'otherHost', 'random'), random: printable(300), scheme: fc.constantFrom('Bearer ', 'bearer ', 'Bearer  ', 'Basic ', 'Bearer') })
      .map((value): AuthChoice => ({ kind: 'bearer', ...value })),
  },
)

const FORBIDDEN_HEADERS = new Set(['content-length', 'content-type', 'transfer-encoding', 'host', 'connection', 'expect', 'authorization', 'upgrade', 'te', 'trailer'])

/** Extra request headers (names are HTTP tokens, values printable). */
export const headersArb: fc.Arbitrary<Record<string, string>> = fc
  .dictionary(
    fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/), fc.constantFrom('accept', 'accept-encoding', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'origin', 'cookie', 'user-agent', 'accept-language', 'if-none-match', 'range')),
    printable(100),
    { maxKeys: 4 },
  )
  .map((headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !FORBIDDEN_HEADERS.has(name))))

/** A query string: known keys with odd values, unknown keys, repeated keys, or raw text (with bad escapes). */
export function queryArb(keys: string[], values: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys, ...keys.map((name) => `${name}[]`)) }, fc.string({ maxLength: 10 }))
  const value = fc.oneof({ weight: 4, arbitrary: values }, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), edgeNumber.map(String))
  const structured = fc.array(fc.tuple(key, value), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString())
  const raw = fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((text) => text.replace(/[#\s]/g, '')),
    fc.constantFrom('%', '%%', '%E0%A4%A', 'a=%ZZ', '&&&', '==', 'rounds=1&rounds=2', 'round=1e3', 'limit=-0', '__proto__=1', 'constructor[prototype][x]=1'),
  )
  return fc.oneof({ weight: 6, arbitrary: structured }, { weight: 2, arbitrary: raw }, { weight: 2, arbitrary: fc.constant('') })
}

/** A path segment: the real id (as is, lower-case), id-like strings, or anything, percent-encoded or raw. */
export function pathParam(realIds: () => string[]): fc.Arbitrary<() => string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.boolean()).map(([index, lower]) => () => pick(realIds(), index, lower)) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/).map((id) => () => id) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text) => () => encodeURIComponent(text)) },
    fc.constantFrom('%', '%ZZ', '%E0%A4%A', '..', '%2e%2e', '%2F', 'a%00b', '%C0%AF', 'x'.repeat(2000), '~', '(', "'").map((raw) => () => raw),
  )
}

function pick(ids: string[], index: number, lower: boolean): string {
  const id = ids.length === 0 ? 'NOPE22' : (ids[index % ids.length] ?? 'NOPE22')
  return lower ? id.toLowerCase() : id
}
