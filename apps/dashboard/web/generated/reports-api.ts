// generated — do not edit.
// Source: sinks/postgres/openapi.yaml (openapi-typescript). Regenerate with
// `npm run generate -w @retail-stream/dashboard`; apps/dashboard/src/api-codegen.test.ts fails
// while this file is stale.

export interface paths {
  '/v1/stores': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stores seen at HQ, by store_id */
    get: {
      parameters: {
        query?: {
          limit?: components['parameters']['limit'];
          /** @description Opaque; the `next_cursor` of the previous page. */
          cursor?: components['parameters']['cursor'];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A page of stores */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Page'] & {
              items: components['schemas']['Store'][];
            };
          };
        };
        400: components['responses']['BadRequest'];
        401: components['responses']['Unauthorized'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Freshness of the data ("data as of") */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Status */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Status'];
          };
        };
        401: components['responses']['Unauthorized'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/reconciliation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The last end-of-day reconciliation of every store (retail reconcile, retail jobs) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description One entry per store that was ever reconciled */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['Reconciliation'][];
            };
          };
        };
        401: components['responses']['Unauthorized'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/national-sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The national pharmacy sync per pharmacy store (counts by status and type, oldest pending, latest failures)
     * @description The sync's own state (sinks/national-pharmacy, schema `national_sync` of the HQ database),
     *     read in one snapshot with the queries `retail sync status` uses. One entry per store that
     *     has documents, ordered by `store_id`. Empty before the sync ever ran.
     */
    get: {
      parameters: {
        query?: {
          /** @description One pharmacy store; absent = every store. */
          store?: components['schemas']['Id'];
          /** @description Latest failures listed per store. */
          failures?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description One entry per pharmacy store with documents */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: components['schemas']['NationalSyncStore'][];
            };
          };
        };
        400: components['responses']['BadRequest'];
        401: components['responses']['Unauthorized'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/reports/sales': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Sales per store and time bucket
     * @description Event time. Sales count in the bucket of the sale's `occurred_at`; refunds and voids in the
     *     bucket of their own event (as the KPI windows count them). `hour` buckets are UTC hours;
     *     `day` buckets are the store's local calendar days (`bucket_start` is local midnight as a
     *     UTC instant; UTC days for stores whose time zone is unknown). Only events inside
     *     `from`..`to` are counted, so a range that is not aligned to buckets gives partial buckets.
     *     Ordered by `bucket_start`, then `store_id`.
     */
    get: {
      parameters: {
        query?: {
          /** @description Absent = every store (sales, top-products) or the chain scope (kpis). */
          store_id?: components['parameters']['storeIdOptional'];
          /** @description Inclusive start, ISO 8601 date-time with offset. Default `to` − 24 h. */
          from?: components['parameters']['from'];
          /** @description Exclusive end, ISO 8601 date-time with offset. Default now. */
          to?: components['parameters']['to'];
          granularity?: 'hour' | 'day';
          limit?: components['parameters']['limit'];
          /** @description Opaque; the `next_cursor` of the previous page. */
          cursor?: components['parameters']['cursor'];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A page of buckets */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Page'] & {
              items: components['schemas']['SalesBucket'][];
            };
          };
        };
        400: components['responses']['BadRequest'];
        401: components['responses']['Unauthorized'];
        404: components['responses']['UnknownStore'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/reports/top-products': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Best-selling products by net amount
     * @description Lines of sales in the range that were not voided, minus refunded lines (refunds in the
     *     range), per SKU and currency; ordered by `net_minor` descending, then `sku`. Without
     *     `store_id`: the whole chain.
     */
    get: {
      parameters: {
        query?: {
          /** @description Absent = every store (sales, top-products) or the chain scope (kpis). */
          store_id?: components['parameters']['storeIdOptional'];
          /** @description Inclusive start, ISO 8601 date-time with offset. Default `to` − 24 h. */
          from?: components['parameters']['from'];
          /** @description Exclusive end, ISO 8601 date-time with offset. Default now. */
          to?: components['parameters']['to'];
          limit?: number;
          /** @description Opaque; the `next_cursor` of the previous page. */
          cursor?: components['parameters']['cursor'];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A page of products */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Page'] & {
              items: components['schemas']['TopProduct'][];
            };
          };
        };
        400: components['responses']['BadRequest'];
        401: components['responses']['Unauthorized'];
        404: components['responses']['UnknownStore'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/reports/inventory': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Current on-hand stock of a store
     * @description Per SKU, `on_hand_after` of the store's highest `store_seq` that changed it; ordered by `sku`.
     */
    get: {
      parameters: {
        query: {
          store_id: components['schemas']['Id'];
          sku?: components['schemas']['Id'];
          limit?: components['parameters']['limit'];
          /** @description Opaque; the `next_cursor` of the previous page. */
          cursor?: components['parameters']['cursor'];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A page of stock rows */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Page'] & {
              items: components['schemas']['InventoryRow'][];
            };
          };
        };
        400: components['responses']['BadRequest'];
        401: components['responses']['Unauthorized'];
        404: components['responses']['UnknownStore'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/kpis': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * KPI windows (latest revision of each), ordered by window_start
     * @description Windows whose `window_start` is in `from`..`to`. Without `store_id` the chain scope, else
     *     scope `store:<store_id>`. `window`: 1m, 15m, 1h (UTC-aligned) or 1d (the store's local day;
     *     chain days as the KPI processor defines them).
     */
    get: {
      parameters: {
        query?: {
          window?: '1m' | '15m' | '1h' | '1d';
          /** @description Absent = every store (sales, top-products) or the chain scope (kpis). */
          store_id?: components['parameters']['storeIdOptional'];
          /** @description Inclusive start, ISO 8601 date-time with offset. Default `to` − 24 h. */
          from?: components['parameters']['from'];
          /** @description Exclusive end, ISO 8601 date-time with offset. Default now. */
          to?: components['parameters']['to'];
          limit?: components['parameters']['limit'];
          /** @description Opaque; the `next_cursor` of the previous page. */
          cursor?: components['parameters']['cursor'];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A page of windows */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Page'] & {
              items: components['schemas']['KpiWindow'][];
            };
          };
        };
        400: components['responses']['BadRequest'];
        401: components['responses']['Unauthorized'];
        404: components['responses']['UnknownStore'];
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Id: string;
    /**
     * Format: date-time
     * @description ISO 8601 UTC, e.g. 2026-11-22T01:00:00.000Z
     */
    Timestamp: string;
    Error: {
      error: {
        /**
         * @description a code of the error catalogue (docs/errors.md)
         * @enum {string}
         */
        code:
          | 'BAD_REQUEST'
          | 'RANGE_TOO_LARGE'
          | 'UNAUTHORIZED'
          | 'UNKNOWN_STORE'
          | 'NOT_FOUND'
          | 'INTERNAL'
          | 'UNAVAILABLE';
        message: string;
        /** @description the offending input */
        field: string | null;
      };
    };
    Page: {
      items: unknown[];
      next_cursor: string | null;
    };
    Store: {
      store_id: string;
      /** @description null when the store is unknown to reference data */
      name: string | null;
      region: string | null;
      /** @description IANA zone, e.g. Asia/Ho_Chi_Minh */
      timezone: string | null;
      /** @description ISO 4217, from the store's money events; null when unknown to reference data */
      currency: string | null;
      /**
       * Format: date-time
       * @description newest occurred_at applied
       */
      last_event_at: string | null;
      /** @description highest store_seq applied */
      last_store_seq: number;
      /** @description events applied (each once) */
      events_total: number;
    };
    Status: {
      as_of: components['schemas']['Timestamp'];
      /**
       * Format: date-time
       * @description when HQ last applied a store event
       */
      last_event_received_at: string | null;
      /**
       * Format: date-time
       * @description newest KPI revision's updated_at
       */
      last_kpi_updated_at: string | null;
      stores_total: number;
      events_total: number;
    };
    Reconciliation: {
      store_id: string;
      /**
       * Format: date
       * @description the store's local day reconciled
       */
      local_date: string;
      /** @enum {string} */
      status: 'clean' | 'differences' | 'repaired' | 'failed';
      /** @description measures still differing (after repair when asked) */
      differences: number;
      /** @description events still missing in some sink */
      missing: number;
      /** @enum {string} */
      trigger: 'cli' | 'scheduler';
      finished_at: components['schemas']['Timestamp'];
    };
    NationalSyncStore: {
      store_id: string;
      /** @description the store's registration at the national pharmacy database */
      ma_co_so: string;
      /** @description documents per status (PENDING_SYNC, IN_FLIGHT, SYNC_SUCCESS, SYNC_FAILED, CANCELLED) */
      counts: {
        pending: number;
        in_flight: number;
        success: number;
        failed: number;
        cancelled: number;
      };
      /** @description documents per status, type and operation (CREATE, or DELETE for a void) */
      by_type: {
        /** @enum {string} */
        status: 'PENDING_SYNC' | 'IN_FLIGHT' | 'SYNC_SUCCESS' | 'SYNC_FAILED' | 'CANCELLED';
        /** @enum {string} */
        doc_type: 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';
        /** @enum {string} */
        op: 'CREATE' | 'DELETE';
        documents: number;
      }[];
      /**
       * Format: date-time
       * @description created_at of the oldest document not yet final (PENDING_SYNC or IN_FLIGHT)
       */
      oldest_pending_at: string | null;
      /** @description its age in seconds at the time of the answer */
      oldest_pending_age_s: number | null;
      /** @description why pending documents are not being sent (e.g. no credentials for the store) */
      waiting_reason: string | null;
      /** @description SYNC_FAILED documents, newest first (at most `failures`) */
      latest_failures: components['schemas']['NationalSyncFailure'][];
    };
    NationalSyncFailure: {
      /** @description the sync's document id (retail sync retry --id) */
      id: string;
      /** @enum {string} */
      doc_type: 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';
      /** @enum {string} */
      op: 'CREATE' | 'DELETE';
      /** @description ma_hoa_don / ma_phieu */
      local_id: string;
      /** @description the authority's reason */
      last_error: string | null;
      failed_at: components['schemas']['Timestamp'];
    };
    SalesBucket: {
      store_id: string;
      bucket_start: components['schemas']['Timestamp'];
      /** @description SaleRecorded events */
      orders: number;
      /** @description sum of item_count */
      items: number;
      /** @description sum of SaleRecorded.total_minor */
      gross_minor: number;
      refunds_minor: number;
      /** @description totals of paid sales voided in the bucket */
      voids_minor: number;
      /** @description gross − refunds − voids */
      net_minor: number;
      currency: string;
    };
    TopProduct: {
      sku: string;
      product_name: string;
      category: string | null;
      /** @description units sold minus units refunded */
      quantity: number;
      net_minor: number;
      currency: string;
    };
    InventoryRow: {
      store_id: string;
      sku: string;
      /** @description may be negative */
      on_hand: number;
      last_store_seq: number;
      updated_at: components['schemas']['Timestamp'];
    };
    KpiWindow: {
      /** @description "chain" or "store:<store_id>" */
      scope: string;
      store_id: string | null;
      /** @enum {string} */
      window_size: 'M1' | 'M15' | 'H1' | 'D1_LOCAL';
      window_start: components['schemas']['Timestamp'];
      window_end: components['schemas']['Timestamp'];
      timezone: string | null;
      revision: number;
      is_final: boolean;
      gmv_minor: number;
      currency: string;
      orders: number;
      items: number;
      /** @description round(gmv_minor / orders); null when no orders */
      avg_basket_minor: number | null;
      /** @description orders per minute of the window */
      order_rate_per_min: number;
      /** @description payments_captured / payments_attempted; null when no attempts */
      payment_success_rate: number | null;
      refunds_minor: number;
      voids_minor: number;
      refund_count: number;
      void_count: number;
      payments_attempted: number;
      payments_captured: number;
      /** @description captured minor units per method (CASH, CARD, QR) */
      payments_by_method: {
        [key: string]: number;
      };
      updated_at: components['schemas']['Timestamp'];
    };
  };
  responses: {
    /** @description Invalid parameter (BAD_REQUEST) or range longer than allowed (RANGE_TOO_LARGE) */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Missing or wrong bearer token (UNAUTHORIZED) */
    Unauthorized: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The store has no events at HQ (UNKNOWN_STORE) */
    UnknownStore: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: {
    limit: number;
    /** @description Opaque; the `next_cursor` of the previous page. */
    cursor: string;
    /** @description Absent = every store (sales, top-products) or the chain scope (kpis). */
    storeIdOptional: components['schemas']['Id'];
    /** @description Inclusive start, ISO 8601 date-time with offset. Default `to` − 24 h. */
    from: string;
    /** @description Exclusive end, ISO 8601 date-time with offset. Default now. */
    to: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
