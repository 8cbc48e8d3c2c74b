export * from './health'
