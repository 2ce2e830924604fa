export { createApp, SERVICE, type AppOptions } from './app.ts';
export { canonicalizeAvroSchema } from './canonical-schema.ts';
export { compatibilityProblems } from './compatibility.ts';
export {
  compatibilityLevels,
  parseCompatibilityLevel,
  type CompatibilityLevel,
} from './compatibility-level.ts';
export { loadRegistryConfig, registryConfigSchema, type RegistryConfig } from './config.ts';
export { RegistryError, registryErrorCodes, type RegistryErrorCode } from './errors.ts';
export { openEventLog, EventLog } from './persistence.ts';
export { RegistryStore } from './registry-store.ts';
export { startRegistry, type RegistryDeps, type RunningRegistry } from './server.ts';
export type { SchemaInput, SchemaReference, SubjectVersion, VersionSpec } from './types.ts';
