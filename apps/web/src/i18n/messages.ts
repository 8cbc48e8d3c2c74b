import type { en } from './en'

/** A dictionary with the shape of `T` whose leaves are any strings (not English literals). */
export type Dictionary<T> = { readonly [K in keyof T]: T[K] extends string ? string : Dictionary<T[K]> }

/** What every locale provides: the shape of the English dictionary. */
export type Messages = Dictionary<typeof en>

/** Dotted paths to the leaves of `T`: 'experiment.form.run', … */
type LeafPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : LeafPaths<T[K], `${Prefix}${K}.`>
}[keyof T & string]

/** A key `t()` accepts; a typo is a type error. */
export type MessageKey = LeafPaths<typeof en>

/** Flattens a dictionary into `dotted.key → text`, for lookups and for the parity test. */
export function flattenMessages(dictionary: object, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>()
  for (const [key, value] of Object.entries(dictionary)) {
    const path = `${prefix}${key}`
    if (typeof value === 'string') flat.set(path, value)
    else for (const [leaf, text] of flattenMessages(value as object, `${path}.`)) flat.set(leaf, text)
  }
  return flat
}

export type MessageParams = Readonly<Record<string, string | number>>

/** Fills `{name}` placeholders; an unknown placeholder stays visible so that it gets noticed. */
export function interpolate(text: string, params: MessageParams | undefined): string {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}
