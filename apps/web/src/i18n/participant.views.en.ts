/**
 * English texts of views and the client on the phone (merged into `participant` as `views`):
 * the view timer, asking for a new primary, the new primary's collection and NEW-VIEW, the
 * client's request and replies, and one line per new step. Sentences take the current terms'
 * words: {leader} ("proposer" / "primary"), {proposer}, {replica}, {replicas}, {content}.
 */
export const participantViewsEn = {
  now: 'View {view} · {role}: {who}',
  clientName: 'the client',
  timer: {
    left: 'Your view timer: {seconds} s left',
    expired: 'Your view timer ran out',
    label: 'Time left on your view timer',
  },
  ask: {
    title: 'Nothing decided in time',
    button: 'Ask for a new {leader}',
    sent: 'You asked for a new {leader}. Waiting for the others…',
  },
  newPrimary: {
    title: 'You are the new {leader} (view {view})',
    collected: 'Requests for a new {leader}: {count} of {needed} needed',
    from: 'from {who}',
    reProposal: 'What you must propose again:',
    reProposalPrepared: 'prepared in view {view} by {who}',
    reProposalRequest: 'the client’s request (nothing was prepared)',
    send: 'Send NEW-VIEW',
    otherValue: 'Propose another value instead (the honest {replicas} will check it)',
    otherValueLabel: 'Other value',
  },
  refused: 'You refused the new {leader}’s proposal {value}: the requests for a new {leader} it carried call for another value.',
  accepted: 'You accepted the new {leader}’s proposal {value}: view {view} starts with it.',
  client: {
    title: 'You are the client',
    request: 'Your request: {value}',
    send: 'Send request',
    accepted: '{count} of {needed} matching replies: accepted {value}',
    waiting: '{count} of {needed} matching replies: waiting',
  },
  explain: {
    requestClient: 'You are the client: send your request to {proposer}. You accept a result once {k} {replicas} reply with the same one, so that at least one of them is honest.',
    request: 'The client sends its request to {proposer}. Once you know of it your view timer runs: if nothing is decided in time, you ask for a new {leader}.',
    reply: 'You decided, so you reply to the client. The client accepts a result once {k} {replicas} sent the same one, so that at least one of them is honest.',
    replyWait: 'The {replicas} that decided reply to the client. It accepts a result once {k} of them sent the same one.',
    ask: 'Your timer ran out before anything was decided: {proposer} may be faulty. Ask for a new {leader}; your request carries what you prepared, so a value that may already be decided is not lost.',
    wait: 'The {replicas} whose timers ran out ask for a new {leader}. Once {k} of them asked, the next {leader} takes over.',
    collect: 'You are the next {leader}: you need {k} requests for a new {leader} from others, so that at least one of them saw any value that may already be decided.',
    send: 'You have the {k} requests you need: start the new view. You must propose again the value they show as prepared (or the client’s request); the others check that.',
    sendByzantine: 'You are the new {leader}: you may propose another value. The honest {replicas} work out from the requests you send what you must propose, and refuse anything else.',
    newViewWait: 'Wait for the new {leader}: you check its proposal against the requests for a new {leader} it carries, and refuse it if it is not the value they call for.',
  },
  story: {
    view: 'Decided in view {view}, with {who} as the new {leader}.',
    viewsTried: 'Nothing was decided in the {count} views tried.',
    replaced: '{who} did not get it decided and was replaced as {leader}.',
    clientAccepted: 'As the client you got {count} matching replies and accepted {value}.',
    clientWaiting: 'As the client you got only {count} of the {needed} matching replies you need.',
  },
}
