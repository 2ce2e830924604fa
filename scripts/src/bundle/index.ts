export * from './service-bundles.ts';
