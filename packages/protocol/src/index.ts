export * from './health'
export * from './ranges'
export * from './experiment'
export * from './experimentApi'
