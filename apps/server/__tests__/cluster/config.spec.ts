import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../../src/config'

describe('cluster settings', () => {
  it('are unset by default: one process with the embedded store', () => {
    const config = configFromEnv({})
    expect(config.REDIS_URL).toBeUndefined()
    expect(config.INSTANCE_ID).toBeUndefined()
    expect(config.LEASE_TTL_MS).toBeUndefined()
    expect(configFromEnv({ REDIS_URL: '', INSTANCE_ID: '' })).toMatchObject({ REDIS_URL: undefined, INSTANCE_ID: undefined })
  })

  it('accept a redis URL, an instance name and a lease length', () => {
    expect(configFromEnv({ REDIS_URL: 'redis://10.0.0.5:6379/0', INSTANCE_ID: 'web-1', LEASE_TTL_MS: '5000' })).toMatchObject({
      REDIS_URL: 'redis://10.0.0.5:6379/0',
      INSTANCE_ID: 'web-1',
      LEASE_TTL_MS: 5000,
    })
    expect(configFromEnv({ REDIS_URL: 'rediss://user:pw@cache.example.edu:6380' }).REDIS_URL).toBe('rediss://user:pw@cache.example.edu:6380')
  })

  it('refuse bad values with a message naming the variable', () => {
    expect(() => configFromEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/)
    expect(() => configFromEnv({ INSTANCE_ID: 'a b' })).toThrow(/INSTANCE_ID/)
    expect(() => configFromEnv({ LEASE_TTL_MS: '10' })).toThrow(/LEASE_TTL_MS/)
  })
})
