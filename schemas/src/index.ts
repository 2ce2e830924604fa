export * from './catalogue.ts';
export * from './generated/events.ts';
export * from './evolution.ts';
export { registerAll, registerSchemas, lookupAll, subjectName, DEFAULT_COMPATIBILITY } from './register.ts';
export type { Compatibility, RegisterOptions, RegisteredSchema, SchemaLayout } from './register.ts';
export { composeSchema, composedSchemaText, SchemaCompositionError } from './compose.ts';
export * from './pos-event-record.ts';
export { STORE_ID } from './store-id.ts';
export * from './kpi-measures.ts';
