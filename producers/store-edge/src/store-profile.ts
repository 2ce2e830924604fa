/** The store's metadata (the `store` row): who the events and reports are about. */
export interface StoreProfile {
  store_id: string;
  name: string;
  timezone: string;
  currency: string;
  region: string;
  /** National pharmacy code (ma_co_so) when the store is a licensed pharmacy; null otherwise. */
  pharmacy_code: string | null;
}

/** A store to create or seed: the pharmacy code may be left out (not a pharmacy). */
export type StoreProfileInput = Omit<StoreProfile, 'pharmacy_code'> & { pharmacy_code?: string | null };
