/**
 * English texts of views and the client on the host's pages (spread into `host`): the one-click
 * lessons of the form, the view and primary on the stage, the view timer, the client's replies.
 */
export const hostViewsEn = {
  presets: {
    legend: 'One-click lessons',
    intro: 'Each lesson creates a session at once with its replicas and faults; the settings below (timing, the idle bot) still apply.',
    start: 'Start lesson: {name}',
    size: 'N = {nodes}',
    names: {
      'silent-primary': 'Silent primary',
      'equivocating-primary': 'Equivocating primary',
      'crash-after-prepare': 'Primary crashes after f + 1 prepared',
      'two-faulty-primaries': 'Two faulty primaries in a row (N = 7)',
    },
    lessons: {
      'silent-primary': 'Replica 0 leads but says nothing: the others’ timers run out, they ask for a new primary, and replica 1 gets the request decided in view 1.',
      'equivocating-primary': 'Replica 0 tells some replicas one value and the others another: no value gathers enough votes, so the class replaces it and replica 1 decides.',
      'crash-after-prepare': 'Replica 0 reaches only two backups and stops; they prepare its value, and the new primary must propose that same value again in view 1.',
      'two-faulty-primaries': 'Among 7 replicas, replica 0 is silent and then replica 1 proposes a different value, which the honest replicas refuse; replica 2 decides in view 2.',
    },
  },
  views: {
    view: 'View {view}',
    primary: 'Primary: replica {id}',
    replaced: 'Replaced as primary: {replicas}',
    timer: 'View timer: {seconds} s left',
    timerExpired: 'View timer ran out: the replicas ask for a new primary',
    timerLabel: 'Time left on the view timer',
    next: 'Next view',
    nextHint: 'Replace the primary now (the next view starts)',
    allowed: 'up to {count} views',
    client: 'Client',
  },
  client: {
    name: 'client',
    request: 'The client asked for {value}',
    accepted: '{count} of {needed} matching replies: accepted',
    waiting: '{count} of {needed} matching replies: waiting',
  },
}
