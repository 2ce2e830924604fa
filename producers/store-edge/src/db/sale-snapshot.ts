import type pg from 'pg';
import type { IdempotencyKey, StoredAnswer } from './idempotency-repo.ts';
import { shiftParams } from './sql-write.ts';
import {
  parseSaleContents,
  SALE_CONTENTS,
  TX_COLUMNS,
  type SaleContents,
  type SaleContentsRow,
  type TxRow,
} from './transaction-repo.ts';

/** A lot with units left, as the checkout read sees it (dates as days since 1970-01-01). */
export interface LotStock {
  sku: string;
  lot_no: string;
  manufactured_on: number;
  expires_on: number;
  on_hand: number;
}

/** Everything a checkout step decides from, as of one snapshot. */
export interface SaleSnapshot extends SaleContents {
  /** The answer stored with the request's key, if it was used before: nothing else matters then. */
  stored: StoredAnswer | undefined;
  /** The sale (null: none in this store), with the version its guarded write checks. */
  tx: TxRow | null;
  /** finalize: on_hand of the lines' SKUs (a SKU without a row is absent). */
  onHand: Map<string, number>;
  /** finalize: the lines' SKUs' lots with units, expired ones included, by (sku, expiry, lot). */
  lots: LotStock[];
}

export interface SaleReadRequest {
  saleId: string;
  /** add item: the catalogue entry of this barcode comes with the read. */
  barcode?: string | null | undefined;
  /** finalize: stock and lots of the lines' SKUs come with the read. */
  stock?: boolean | undefined;
}

// $1 store, $2 terminal, $3 key, $4 sale, $5 barcode, $6 with stock. The stock parts are behind a
// one-time filter on $6, so the other steps do not pay for them.
const READ = `SELECT t.*, k.request_hash, k.response_status, k.response_body, ${shiftParams(SALE_CONTENTS, 3)},
    CASE WHEN $6::boolean THEN (SELECT coalesce(json_agg(json_build_object('sku', i.sku, 'on_hand', i.on_hand)), '[]')
      FROM local_inventory i WHERE i.store_id = $1 AND i.sku IN (SELECT sku FROM line_items WHERE transaction_id = $4)) END AS stock,
    CASE WHEN $6::boolean THEN (SELECT coalesce(json_agg(json_build_object('sku', l.sku, 'lot_no', l.lot_no,
        'manufactured_on', l.manufactured_on - DATE '1970-01-01', 'expires_on', l.expires_on - DATE '1970-01-01',
        'on_hand', l.on_hand) ORDER BY l.sku, l.expires_on, l.lot_no), '[]')
      FROM stock_lots l WHERE l.store_id = $1 AND l.on_hand > 0
       AND l.sku IN (SELECT sku FROM line_items WHERE transaction_id = $4)) END AS lots
  FROM (SELECT 1) one
  LEFT JOIN (SELECT ${TX_COLUMNS} FROM transactions WHERE store_id = $1 AND id = $4) t ON true
  LEFT JOIN idempotency_keys k ON k.store_id = $1 AND k.terminal_id = $2 AND k.idem_key = $3`;

type ReadRow = { [K in keyof TxRow]: TxRow[K] | null } & SaleContentsRow & {
    request_hash: string | null;
    response_status: number | null;
    response_body: string | null;
    stock: { sku: string; on_hand: number }[] | null;
    lots: LotStock[] | null;
  };

/**
 * The checkout's one read, a plain autocommit SELECT (no lock): the request's stored answer, the
 * sale, its lines and payments, and what the step needs besides. Nothing read here is trusted at
 * write time: the guarded write checks the sale's version, and stock and lots by their own guards.
 */
export async function readSale(
  pool: pg.Pool | pg.PoolClient,
  key: Pick<IdempotencyKey, 'storeId' | 'terminalId' | 'key'>,
  req: SaleReadRequest,
): Promise<SaleSnapshot> {
  const { rows } = await pool.query<ReadRow>({
    name: 'se_read_sale',
    text: READ,
    values: [key.storeId, key.terminalId, key.key, req.saleId, req.barcode ?? null, req.stock === true],
  });
  const {
    request_hash,
    response_status,
    response_body,
    lines,
    payments,
    product,
    lot_skus,
    stock,
    lots,
    ...tx
  } = rows[0]!;
  return {
    stored:
      request_hash === null
        ? undefined
        : { request_hash, response_status: response_status!, response_body: response_body! },
    tx: tx.id === null ? null : (tx as TxRow),
    ...parseSaleContents({ lines, payments, product, lot_skus }),
    onHand: new Map((stock ?? []).map((s) => [s.sku, s.on_hand])),
    lots: lots ?? [],
  };
}
