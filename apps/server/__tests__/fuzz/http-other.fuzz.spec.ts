import { describeHttpFuzz } from './httpFuzz'

// Health, experiments, theory, API docs and unknown routes; the session routes are in http-sessions.fuzz.spec.ts. See httpFuzz.ts.
describeHttpFuzz('HTTP fuzz of health, experiments, theory, docs and unknown routes', (name) => !name.includes('/api/sessions'))
