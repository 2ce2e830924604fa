export { startNationalPharmacyMock, MOCK_NAME, type NationalPharmacyMock } from './start-mock.ts';
export { DEFAULT_TOKEN_TTL_MS, type NationalPharmacyMockOptions } from './mock-options.ts';
export { type Account, loadAccountsFile } from './accounts.ts';
export { loadDrugsFile } from './drug-list.ts';
export { type FaultConfig, type FaultInput, type MaintenanceWindow, parseFaults } from './fault-config.ts';
export {
  type StoredDocument,
  type DocumentFilter,
  type PersistedState,
  readStateFile,
} from './document-store.ts';
export { type MockStats } from './mock-stats.ts';
export { KINDS, DOCUMENT_KINDS, type DocumentKind } from './document-kinds.ts';
export { CONTROL_PATH } from './control-routes.ts';
export { isYyyyMmDd } from './yyyymmdd.ts';
