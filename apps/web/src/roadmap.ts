/** What the web app will offer; the placeholder page lists it until the pages land. */
export const upcomingPages = [
  { name: 'Host dashboard', what: 'create a session, show the QR code, watch the topology and quorum counters live' },
  { name: 'Join', what: 'scan the QR code or type a short code to take a replica seat' },
  { name: 'Node', what: 'your replica on your phone: what you received and the actions that make sense now' },
  { name: 'Experiment', what: 'Monte-Carlo success rate versus delivery probability p, against the exact curve' },
] as const
