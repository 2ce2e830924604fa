/**
 * Which database holds a store's outbox. The store edge owns this naming (its
 * src/db/store-database.ts); the relay only depends on the store edge at test time, so the rule is
 * repeated here and store-database-url.test.ts fails if the two ever disagree.
 */
export const STORE_ID = /^[a-z0-9][a-z0-9_]{0,30}$/;

export function storeDatabaseName(storeId: string): string {
  if (!STORE_ID.test(storeId)) throw new RangeError(`invalid store id '${storeId}'`);
  return `store_${storeId}`;
}

/** The admin URL with its database swapped for the store's (same server, role and options). */
export function storeDatabaseUrl(adminUrl: string, storeId: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${storeDatabaseName(storeId)}`;
  return url.toString();
}

/** The store edge's NOTIFY channel (store-edge src/outbox-writer.ts), sent on commit of new rows. */
export const OUTBOX_CHANNEL = 'outbox_new';
