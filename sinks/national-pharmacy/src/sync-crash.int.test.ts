import { waitFor } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFor, SyncTestBed } from '../test/harness.ts';
import { lot, PharmacyEvents } from '../test/pharmacy-events.ts';

const CODES = ['CS-KILL-1', 'CS-KILL-2'];
const bed = new SyncTestBed(accountsFor(CODES));
const stores = CODES.map((c, i) => new PharmacyEvents({ storeId: `S-KILL-${i + 1}`, maCoSo: c }));

beforeAll(async () => {
  // Slow answers: when the process dies, requests are in flight and the authority still commits them.
  await bed.setup({ faults: { latencyMs: 400 } });
}, 120_000);
afterAll(() => bed.teardown(), 60_000);

describe('national pharmacy sync: kill -9 mid-request', () => {
  it('restarted, it reads back what the dead process sent: nothing duplicated, nothing lost', async () => {
    const env = {
      NATIONAL_SYNC_LEASE_MS: '1500',
      SINK_SESSION_TIMEOUT_MS: '6000',
      NATIONAL_SYNC_SALE_CONCURRENCY: '8',
    };
    const first = await bed.startChild(env);
    const sales = stores.flatMap((ev) =>
      Array.from({ length: 30 }, (_, i) =>
        ev.sale([['MED-PARA', 1 + (i % 2), 3000 + i, [lot('K1', 1 + (i % 2))]]]),
      ),
    );
    await bed.produce(sales);
    // Mid-run: some documents sent, others on the wire right now.
    await waitFor(
      async () => {
        const inFlight = await bed.documents(`status = 'IN_FLIGHT'`);
        return bed.mock.documents().length >= 5 && inFlight.length >= 4;
      },
      { timeoutMs: 60_000, what: 'documents in flight after a few were accepted' },
    );
    await first.kill9();
    const orphaned = await bed.documents(`status = 'IN_FLIGHT'`);
    expect(orphaned.length).toBeGreaterThan(0);

    const second = await bed.startChild(env);
    const docs = await bed.settled(60, 90_000);
    expect(docs.every((d) => d.status === 'SYNC_SUCCESS')).toBe(true);
    const atMock = bed.mock.documents();
    expect(atMock).toHaveLength(60);
    for (const d of atMock) expect(d.duplicate_refusals, `${d.ma} refused as a duplicate`).toBe(0);
    // Each recorded national id is the authority's for that document.
    const byMa = new Map(atMock.map((d) => [d.ma, d.national_id]));
    for (const d of docs) expect(d.national_id).toBe(byMa.get(d.local_id));
    // The orphans were read back before any resend.
    const orphanIds = orphaned.map((d) => d.id);
    const readBacks = await bed.pool.query<{ document_id: string }>(
      `SELECT DISTINCT document_id::text FROM attempts WHERE method = 'GET' AND document_id = ANY($1::bigint[])`,
      [orphanIds],
    );
    expect(readBacks.rows.length).toBe(orphanIds.length);
    expect(
      second.lines.some(
        (l) => l.msg === 'national sync: expired leases re-queued (read back before resending)',
      ),
    ).toBe(true);
    // The status endpoint on the ops port says the same.
    const status = (await (
      await fetch(`http://127.0.0.1:${await second.port()}/v1/national-sync/status`)
    ).json()) as {
      counts: { status: string; doc_type: string; documents: number }[];
    };
    expect(status.counts).toEqual([
      { status: 'SYNC_SUCCESS', doc_type: 'hoa_don', op: 'CREATE', documents: 60 },
    ]);
    await second.stop();
  }, 180_000);
});
