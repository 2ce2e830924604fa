/** The runtime's errors: classes, the closed code catalogue and classifiers live in errors/. */
export * from './errors/index.ts';
