export * from './config.ts';
export * from './db.ts';
export * from './writer.ts';
export * from './operator-queries.ts';
export * from './mapping/document-plans.ts';
export * from './mapping/national-documents.ts';
export * from './mapping/national-formats.ts';
export { parseAccounts, loadAccounts } from './authority/accounts.ts';
