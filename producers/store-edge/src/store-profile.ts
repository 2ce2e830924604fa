/** The store's metadata (the `store` row): who the events and reports are about. */
export interface StoreProfile {
  store_id: string;
  name: string;
  timezone: string;
  currency: string;
  region: string;
}
