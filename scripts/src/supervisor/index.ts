export * from './supervisor.ts';
export * from './line-prefixer.ts';
export * from './wait-ready.ts';
