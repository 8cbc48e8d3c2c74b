import { describeHttpFuzz } from './httpFuzz'

// The session routes (/api/sessions…); the rest are in http-other.fuzz.spec.ts. See httpFuzz.ts.
describeHttpFuzz('HTTP fuzz of the session routes: random bodies, queries, params and headers', (name) => name.includes('/api/sessions'))
