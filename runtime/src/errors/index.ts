export * from './app-error.ts';
export * from './catalogue/index.ts';
export * from './kafka-error-code.ts';
export * from './unclassified.ts';
