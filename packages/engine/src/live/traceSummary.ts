import { reProposal } from '../round/certificates'
import type { Certificate } from '../round/evidence'
import type { Message } from '../round/message'
import type { TracedMessage } from '../round/trace'

/** `1, 2 and 3`. */
function list(ids: readonly number[]): string {
  if (ids.length <= 1) return ids.join('')
  return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1] ?? ''}`
}

function certificateText(certificate: Certificate): string {
  const voters = certificate.prepares.map((vote) => vote.from)
  return `prepared ${certificate.value} in view ${certificate.view} (PREPAREs of ${voters.length === 0 ? 'nobody' : list(voters)})`
}

/**
 * What a VIEW-CHANGE or NEW-VIEW says, for the trace: its evidence as plain data (certificate,
 * set V) and in words, so that a phone, the projector and a replay can show every view
 * change without the signatures. Other messages get nothing.
 */
export function evidenceOf(message: Message): Pick<TracedMessage, 'viewChange' | 'newView' | 'summary'> {
  const { viewChange, newView } = message
  if (message.phase === 'view-change' && viewChange !== undefined) {
    const { certificate, request } = viewChange.body
    const claim = certificate === null && viewChange.value !== '' ? `claims ${viewChange.value} without a certificate` : null
    const prepared = certificate === null ? 'not prepared' : certificateText(certificate)
    return {
      viewChange: {
        certificate: certificate && { view: certificate.view, value: certificate.value, prepares: certificate.prepares.map((vote) => vote.from) },
        request: request !== null,
      },
      summary: `VIEW-CHANGE to view ${message.view}: ${claim ?? prepared}${request === null ? '' : ', holds the request'}`,
    }
  }
  if (message.phase === 'new-view' && newView !== undefined) {
    const entries = newView.viewChanges.map((entry) => ({
      from: entry.from,
      certificate: entry.body.certificate && { view: entry.body.certificate.view, value: entry.body.certificate.value },
    }))
    const set = entries.map((entry) => `${entry.from}: ${entry.certificate === null ? '—' : `${entry.certificate.value}@${entry.certificate.view}`}`)
    const re = reProposal(newView.viewChanges, newView.request)
    const source =
      re === null
        ? 'V determines no value'
        : re.certificateView === null
          ? `V re-proposes the client's request ${re.value}`
          : `V re-proposes ${re.value} (prepared in view ${re.certificateView}, certificate of ${re.certificateFrom ?? '?'})`
    return {
      newView: { viewChanges: entries, request: newView.request !== null },
      summary: `NEW-VIEW for view ${message.view} with ${message.value}: V = {${set.join(', ')}}; ${source}`,
    }
  }
  return {}
}
