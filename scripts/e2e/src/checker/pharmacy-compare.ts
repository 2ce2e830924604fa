import { toWholeUnits } from '@retail-stream/national-pharmacy-sink';
import { pharmacyDocuments, type LedgerEntry } from '@retail-stream/store-simulator';
import { reconcile, type CheckRow } from '../reconcile.ts';

/** A document as the mock authority keeps it (its state file: `{documents: [...]}`). */
export interface MockDocument {
  kind: 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';
  ma_co_so: string;
  ma: string;
  national_id: string;
  body: Record<string, unknown>;
  versions: number;
  deleted: boolean;
  duplicate_refusals: number;
}

/** What the authority must hold for one pharmacy document of the ledger. */
export interface ExpectedNationalDocument {
  kind: string;
  voided: boolean;
  qty: number;
  /** hoa_don: sum of thanh_tien; phieu: sum of so_luong × don_gia (whole currency units). */
  amount: number;
}

const keyOf = (kind: string, maCoSo: string, ma: string) => `${kind}/${maCoSo}/${ma}`;

/**
 * The ledger's pharmacy documents in their final state (the simulator's own fold: a later paid void
 * of a sale marks its hoa_don voided), as the totals the authority must hold.
 */
export function expectedNationalDocuments(
  entries: readonly LedgerEntry[],
): Map<string, ExpectedNationalDocument> {
  const out = new Map<string, ExpectedNationalDocument>();
  for (const d of pharmacyDocuments(entries).documents) {
    const whole = (minor: number) => toWholeUnits(minor, d.currency);
    const amount =
      d.doc_type === 'hoa_don'
        ? whole(d.amount_total_minor)
        : d.lines.reduce((s, l) => s + l.qty * whole(l.unit_price_minor), 0);
    out.set(keyOf(d.doc_type, d.ma_co_so, d.local_id), {
      kind: d.doc_type,
      voided: d.voided,
      qty: d.qty_total,
      amount,
    });
  }
  return out;
}

function totals(d: MockDocument): { qty: number; amount: number } {
  const lines = (d.body[d.kind === 'hoa_don' ? 'hoa_don_chi_tiet' : 'chi_tiet'] ?? []) as {
    so_luong: number;
    don_gia: number;
    thanh_tien?: number;
  }[];
  return {
    qty: lines.reduce((s, l) => s + l.so_luong, 0),
    amount: lines.reduce(
      (s, l) => s + (d.kind === 'hoa_don' ? (l.thanh_tien ?? 0) : l.so_luong * l.don_gia),
      0,
    ),
  };
}

/**
 * Every pharmacy document of the ledger at the authority exactly once (never refused as a
 * duplicate, one version) with matching quantity and amount totals; a voided sale's hoa_don
 * deleted there, or never sent (cancelled before sending: absent is right too).
 */
export function compareNationalDocuments(
  expected: ReadonlyMap<string, ExpectedNationalDocument>,
  atAuthority: readonly MockDocument[],
): CheckRow {
  const found = atAuthority.map((d) => ({ key: keyOf(d.kind, d.ma_co_so, d.ma), value: d }));
  const present = new Set(found.map((f) => f.key));
  const want = new Map([...expected].filter(([k, e]) => !(e.voided && !present.has(k))));
  return reconcile(
    'national pharmacy authority (mock): documents once, totals, voids deleted',
    want,
    found,
    (e, d) => {
      const t = totals(d);
      return (
        d.deleted === e.voided &&
        d.duplicate_refusals === 0 &&
        d.versions === 1 &&
        t.qty === e.qty &&
        t.amount === e.amount
      );
    },
    (v) =>
      'body' in v
        ? `${v.kind} deleted=${v.deleted} dup=${v.duplicate_refusals} ${JSON.stringify(totals(v))}`
        : `${v.kind} voided=${v.voided} qty ${v.qty} amount ${v.amount}`,
  );
}
