export * from './infra-config.ts';
export * from './infra-error.ts';
export * from './service-env.ts';
export * from './kafka-principals.ts';
export { kcatSecurityArgs } from './smoke/kcat-auth.ts';
