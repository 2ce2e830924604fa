export * from './config.ts';
export * from './store-edge.ts';
export * from './events.ts';
export * from './db/store-database.ts';
export { OUTBOX_CHANNEL } from './outbox-writer.ts';
export { signCallback, SIGNATURE_HEADER } from './fake-qr-provider.ts';
export { hashToken } from './terminal-auth.ts';
