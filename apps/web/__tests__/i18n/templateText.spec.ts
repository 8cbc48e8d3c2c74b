import { describe, expect, it } from 'vitest'
import { parse } from 'vue/compiler-sfc'

/**
 * Every user-visible string goes through t(): this scans every SFC template for literal text
 * and for literal values of attributes people read (label, placeholder, title, aria-label, …).
 */
const sources = import.meta.glob('../../src/**/*.vue', { query: '?raw', import: 'default', eager: true }) as Record<string, string>

const READABLE_ATTRIBUTES = new Set(['label', 'placeholder', 'title', 'alt', 'aria-label', 'empty-text'])
const HAS_LETTER = /\p{L}/u

interface TemplateNode {
  type: number
  content?: unknown
  name?: string
  value?: { content: string } | undefined
  props?: TemplateNode[]
  children?: TemplateNode[]
  loc: { start: { line: number } }
}

// @vue/compiler-core node types.
const ELEMENT = 1
const TEXT = 2
const ATTRIBUTE = 6

function literals(node: TemplateNode, found: string[]): void {
  if (node.type === TEXT && typeof node.content === 'string' && HAS_LETTER.test(node.content)) {
    found.push(`line ${node.loc.start.line}: text "${node.content.trim()}"`)
  }
  if (node.type === ELEMENT) {
    for (const prop of node.props ?? []) {
      if (prop.type === ATTRIBUTE && READABLE_ATTRIBUTES.has(prop.name ?? '') && HAS_LETTER.test(prop.value?.content ?? '')) {
        found.push(`line ${prop.loc.start.line}: ${prop.name}="${prop.value?.content}"`)
      }
    }
  }
  for (const child of node.children ?? []) literals(child, found)
}

function literalsOf(source: string): string[] {
  const { descriptor } = parse(source)
  const found: string[] = []
  if (descriptor.template?.ast) literals(descriptor.template.ast as unknown as TemplateNode, found)
  return found
}

describe('templates', () => {
  it('were found', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(5)
  })

  it('the scan catches literal text and attributes, and lets t() and punctuation pass', () => {
    expect(literalsOf('<template><p>Hello</p><i :title="t(\'x\')">{{ t(\'y\') }} — </i><b aria-label="Close" /></template>')).toEqual([
      'line 1: text "Hello"',
      'line 1: aria-label="Close"',
    ])
  })

  it.each(Object.entries(sources))('%s has no literal user-visible text', (_file, source) => {
    expect(literalsOf(source)).toEqual([])
  })
})
