import type { MessageType, TracedMessage } from '@pbft/protocol'
import type { ValuePalette } from '../session/valueColours'

/**
 * What happened to each message of one phase, as a line of the topology drawing: delivered
 * (solid, in the colour of the value it carried), dropped (dashed, stops halfway), rejected
 * (dotted: authentication caught a forgery) or forged (dash-dot: altered in transit and taken
 * at face value, authentication off). The picture stays after the round, so the class can see
 * where the story went wrong. The view change draws its own way on top of that: a VIEW-CHANGE
 * in violet with a ⟳ mark (it carries no value of its own), a NEW-VIEW thick with a ★ mark in
 * its value's colour; the client's REQUESTs and REPLYs go to and from the client's node.
 */

export type LinkStatus = 'delivered' | 'dropped' | 'rejected' | 'forged'

export const LINK_STATUSES: readonly LinkStatus[] = ['delivered', 'dropped', 'rejected', 'forged']

export interface TopologyLink {
  key: string
  from: number
  to: number
  status: LinkStatus
  /** The value that arrived (or was sent, for a dropped message). */
  value: string
  letter: string
  colour: string
  /** The message's type: a VIEW-CHANGE or NEW-VIEW is drawn its own way. */
  type: MessageType
}

export interface TopologyLinks {
  links: TopologyLink[]
  /** Messages of the phase not drawn (delivered ones of a large round, or past the cap). */
  hidden: number
}

/** Above this many replicas only the messages that went wrong are drawn. */
export const ALL_LINKS_UP_TO = 16
/** At most this many lines (an N = 100 round at p = 0.9 drops ~1,000 messages a phase). */
export const MAX_LINKS = 400

export function linkStatus(message: TracedMessage): LinkStatus {
  if (message.status === 'dropped') return 'dropped'
  if (message.status === 'rejected') return 'rejected'
  return message.deliveredValue !== null && message.deliveredValue !== message.value ? 'forged' : 'delivered'
}

/** A VIEW-CHANGE's line: violet (7.1:1 on white), whatever it carries. */
export const VIEW_CHANGE_COLOUR = '#6B3FA0'

/** Colours of lines whose status, not value, is the news. */
export const STATUS_COLOURS: Record<Exclude<LinkStatus, 'delivered'>, string> = {
  dropped: '#5A6472',
  rejected: '#8A4B00',
  forged: '#B00020',
}

export function topologyLinks(trace: readonly TracedMessage[], phase: MessageType | null, palette: ValuePalette, nodes: number): TopologyLinks {
  if (phase === null) return { links: [], hidden: 0 }
  const everything = nodes <= ALL_LINKS_UP_TO
  const links: TopologyLink[] = []
  let hidden = 0
  for (const message of trace) {
    if (message.phase !== phase) continue
    const status = linkStatus(message)
    if ((!everything && status === 'delivered') || links.length >= MAX_LINKS) {
      hidden++
      continue
    }
    const value = message.status === 'dropped' ? message.value : (message.deliveredValue ?? message.value)
    const carriesValue = message.phase !== 'view-change' && value !== ''
    const style = carriesValue ? palette.styleOf(value) : { letter: '', colour: VIEW_CHANGE_COLOUR }
    const colour = status === 'delivered' ? style.colour : STATUS_COLOURS[status]
    links.push({ key: `${message.index}`, from: message.from, to: message.to, status, value, letter: style.letter, colour, type: message.phase })
  }
  return { links, hidden }
}

/** The round's palette with every value of the trace registered in order of appearance. */
export function registerValues(palette: ValuePalette, trace: readonly TracedMessage[]): ValuePalette {
  for (const message of trace) {
    // A VIEW-CHANGE carries no value of its own (its certificate's is drawn when re-proposed).
    if (message.phase === 'view-change') continue
    if (message.value !== '') palette.styleOf(message.value)
    if (message.deliveredValue !== null && message.deliveredValue !== '') palette.styleOf(message.deliveredValue)
  }
  return palette
}
