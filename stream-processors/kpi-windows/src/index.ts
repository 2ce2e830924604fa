// Pure pieces other packages may use (e.g. end-to-end checks against an exact recomputation).
export * from './recompute-exact.ts';
export * from './measures.ts';
export * from './window-assignment.ts';
export { localDayBounds, isValidTimeZone } from '@retail-stream/runtime';
export { kpiKey, kpiRecord } from './kpi-record.ts';
// The service and the exact recompute, for tools (the retail CLI) and tests that run it in-process.
export { recomputeWindows } from './recompute-api.ts';
export { startKpiWindows } from './kpi-windows.ts';
export { kpiConfig } from './config.ts';
