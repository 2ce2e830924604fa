export * from './config.ts';
export * from './consumer-lag.ts';
