import { describe, expect, it } from 'vitest'
import { configFromEnv, experimentsPerClient, lookupsPerClient, sessionLifetime, sessionsPerClient } from '../src/config'

describe('configFromEnv', () => {
  it('uses PORT, HOST and DATA_DIR from the environment', () => {
    const config = configFromEnv({ PORT: '4321', HOST: '127.0.0.1', DATA_DIR: '/tmp/x' })
    expect(config).toMatchObject({ PORT: 4321, HOST: '127.0.0.1', DATA_DIR: '/tmp/x' })
  })

  it('defaults to port 3000 on every interface, so phones on the LAN can reach it', () => {
    expect(configFromEnv({})).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', DATA_DIR: './data' })
  })

  it('refuses a port that is not a port', () => {
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => configFromEnv({ PORT: '70000' })).toThrow(/PORT/)
  })
})

describe('PUBLIC_URL', () => {
  it('accepts an http(s) URL and treats an empty value as unset', () => {
    expect(configFromEnv({ PUBLIC_URL: 'https://pbft.example.edu' }).PUBLIC_URL).toBe('https://pbft.example.edu')
    expect(configFromEnv({ PUBLIC_URL: '' }).PUBLIC_URL).toBeUndefined()
  })

  it('refuses anything else with a clear message', () => {
    expect(() => configFromEnv({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/)
  })
})

describe('SESSIONS_PER_CLIENT', () => {
  it('sets the per-client session limit, 0 turning it off, unset keeping the default', () => {
    expect(sessionsPerClient(configFromEnv({ SESSIONS_PER_CLIENT: '5' }).SESSIONS_PER_CLIENT)).toEqual({ maxSessions: 5, windowMs: 600_000 })
    expect(sessionsPerClient(configFromEnv({ SESSIONS_PER_CLIENT: '0' }).SESSIONS_PER_CLIENT)).toBeNull()
    expect(sessionsPerClient(configFromEnv({}).SESSIONS_PER_CLIENT)).toBeUndefined()
    expect(() => configFromEnv({ SESSIONS_PER_CLIENT: '-1' })).toThrow(/SESSIONS_PER_CLIENT/)
  })
})

describe('SESSION_TTL_DAYS and MAX_SESSIONS', () => {
  it('set how long idle sessions live and how many are stored; unset keeps the defaults', () => {
    expect(sessionLifetime(configFromEnv({ SESSION_TTL_DAYS: '0.5', MAX_SESSIONS: '50' }))).toEqual({ ttlMs: 43_200_000, maxSessions: 50 })
    expect(sessionLifetime(configFromEnv({}))).toEqual({})
    expect(() => configFromEnv({ SESSION_TTL_DAYS: '0' })).toThrow(/SESSION_TTL_DAYS/)
    expect(() => configFromEnv({ MAX_SESSIONS: 'many' })).toThrow(/MAX_SESSIONS/)
  })
})

describe('LOOKUPS_PER_CLIENT', () => {
  it('sets the burst of unknown codes per client, 0 turning the limit off', () => {
    expect(lookupsPerClient(configFromEnv({ LOOKUPS_PER_CLIENT: '100' }).LOOKUPS_PER_CLIENT)).toEqual({ burst: 100, perSecond: 1 })
    expect(lookupsPerClient(configFromEnv({ LOOKUPS_PER_CLIENT: '0' }).LOOKUPS_PER_CLIENT)).toBeNull()
    expect(lookupsPerClient(configFromEnv({}).LOOKUPS_PER_CLIENT)).toBeUndefined()
  })
})

describe('EXPERIMENTS_PER_CLIENT', () => {
  it('sets the per-client experiment creation limit, 0 turning it off, unset keeping the default', () => {
    expect(experimentsPerClient(configFromEnv({ EXPERIMENTS_PER_CLIENT: '5' }).EXPERIMENTS_PER_CLIENT)).toEqual({ creations: { max: 5, windowMs: 600_000 } })
    expect(experimentsPerClient(configFromEnv({ EXPERIMENTS_PER_CLIENT: '0' }).EXPERIMENTS_PER_CLIENT)).toEqual({ creations: null })
    expect(experimentsPerClient(configFromEnv({}).EXPERIMENTS_PER_CLIENT)).toBeUndefined()
    expect(() => configFromEnv({ EXPERIMENTS_PER_CLIENT: '1.5' })).toThrow(/EXPERIMENTS_PER_CLIENT/)
  })
})

