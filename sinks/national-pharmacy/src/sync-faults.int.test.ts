import { metricSum, waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountsFor, SyncTestBed } from '../test/harness.ts';
import { lot, PharmacyEvents } from '../test/pharmacy-events.ts';

const CODES = ['CS-FLT-1', 'CS-FLT-2'];
const bed = new SyncTestBed(accountsFor(CODES));
const stores = CODES.map((c, i) => new PharmacyEvents({ storeId: `S-FLT-${i + 1}`, maCoSo: c }));

beforeAll(async () => {
  await bed.setup();
}, 120_000);
afterAll(() => bed.teardown(), 60_000);
let running: { stop(): Promise<void> } | undefined;
const start = async (extra: Record<string, string> = {}) => {
  const sync = await bed.startInProcess(extra);
  running = sync;
  return sync;
};
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
beforeEach(async () => {
  bed.mock.reset();
  bed.mock.setFaults({});
  await bed.pool.query('TRUNCATE attempts, documents');
});

/** `n` drug sales per store, a receipt each, and voids of the first two sales of each store. */
function workload(n: number): { events: StoreEvent[]; voided: Set<string>; documents: number } {
  const events: StoreEvent[] = [];
  const voided = new Set<string>();
  for (const ev of stores) {
    const sales = Array.from({ length: n }, (_, i) =>
      ev.sale([['MED-PARA', 1 + (i % 3), 1000 + i, [lot(`L${i}`, 1 + (i % 3))]]]),
    );
    events.push(...sales, ev.receipt([['MED-AMOX', 10, 50_000, [lot('R1', 10)]]]));
    for (const s of sales.slice(0, 2)) {
      events.push(ev.void(s));
      voided.add(s.transaction_id);
    }
  }
  // A void's DELETE is a document of its own unless its hoa_don was cancelled before sending.
  return { events, voided, documents: stores.length * (n + 1) };
}

/** The sync's attempts at one document, oldest first, one line each (for a failure message). */
async function attemptsOf(ma: string): Promise<string> {
  const res = await bed.pool.query<{ line: string }>(
    `SELECT concat_ws(' ', to_char(a.at, 'HH24:MI:SS.MS'), a.method, a.http_status, a.outcome,
            a.duration_ms || 'ms', a.error) AS line
       FROM attempts a JOIN documents d ON d.id = a.document_id
      WHERE d.local_id = $1 ORDER BY a.id`,
    [ma],
  );
  return res.rows.map((r) => r.line).join('\n');
}

/** Every document once at the mock, no POST refused as a duplicate, the voided ones voided. */
async function expectExactlyOnce(voided: Set<string>, expected: number): Promise<void> {
  const docs = bed.mock.documents();
  expect(docs).toHaveLength(expected);
  expect(new Set(docs.map((d) => `${d.kind}/${d.ma_co_so}/${d.ma}`)).size).toBe(expected);
  for (const d of docs) {
    const why = d.duplicate_refusals ? `:\n${await attemptsOf(d.ma)}` : '';
    expect(d.duplicate_refusals, `${d.kind} ${d.ma} refused as a duplicate${why}`).toBe(0);
    expect(d.versions).toBe(1);
    expect(d.deleted).toBe(voided.has(d.ma));
  }
}

describe('national pharmacy sync against a faulty authority', () => {
  it('30% 5xx, 10% timeouts that commit, 5% 429: every document SYNC_SUCCESS, each once at the authority', async () => {
    bed.mock.setFaults({
      seed: 1212,
      errorRate: 0.3,
      timeoutRate: 0.1,
      timeoutMs: 200,
      rateLimitRate: 0.05,
      retryAfterS: 1,
    });
    const sync = await start();
    const { events, voided } = workload(40);
    await bed.produce(events);
    const docs = await waitFor(
      async () => {
        const all = await bed.documents();
        const creates = all.filter((d) => d.op === 'CREATE');
        return creates.length === 82 &&
          all.every((d) => d.status === 'SYNC_SUCCESS' || d.status === 'CANCELLED')
          ? all
          : null;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'every document final' },
    );
    const stats = bed.mock.stats();
    // The faults did happen, timeouts that committed among them.
    expect(stats.faults.error).toBeGreaterThan(10);
    expect(stats.faults.timeout).toBeGreaterThan(3);
    expect(stats.faults['rate-limit']).toBeGreaterThan(0);
    const cancelledBeforeSending = docs.filter((d) => d.status === 'CANCELLED').map((d) => d.local_id);
    const sentAndVoided = new Set([...voided].filter((v) => !cancelledBeforeSending.includes(v)));
    await expectExactlyOnce(sentAndVoided, 82 - cancelledBeforeSending.length);
    // Read-backs resolved the unknown outcomes (timeouts) instead of blind resends.
    const readBacks = await bed.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM attempts WHERE method = 'GET'`,
    );
    expect(readBacks.rows[0]!.n).toBeGreaterThan(0);
    expect(metricSum(await sync.metricsText(), 'retail_national_sync_request_seconds_count')).toBeGreaterThan(
      82,
    );
    await sync.stop();
  }, 180_000);

  it('a create the authority stores after the client gave up is read back, never sent twice', async () => {
    // Every POST waits 2 s at the authority before it is stored; the client gives up after 1 s.
    // Without the grace the read-back 50-400 ms later finds nothing and a second POST follows.
    bed.mock.setFaults({ slowRate: 1, slowMs: 2_000, scope: ['write'] });
    const sync = await start({ NATIONAL_SYNC_UNKNOWN_OUTCOME_GRACE_MS: '3000' });
    const sale = stores[0]!.sale([['MED-PARA', 1, 1500, [lot('S1', 1)]]]);
    await bed.produce([sale]);
    const [doc] = await bed.settled(1, 30_000);
    expect(doc).toMatchObject({ status: 'SYNC_SUCCESS', local_id: sale.transaction_id });
    expect(doc!.national_id).toBe(bed.mock.documents()[0]!.national_id);
    await expectExactlyOnce(new Set(), 1);
    expect(bed.mock.stats().requests['POST hoa_don']).toBe(1);
    const trail = await bed.pool.query<{ method: string; outcome: string }>(
      `SELECT method, outcome FROM attempts ORDER BY id`,
    );
    expect(trail.rows).toEqual([
      { method: 'POST', outcome: 'no_answer' },
      { method: 'GET', outcome: 'ok' },
    ]);
    await sync.stop();
  }, 60_000);

  it('tokens expiring mid-run: a storm of 401s makes one login per account', async () => {
    bed.mock.setFaults({ latencyMs: 30 });
    const sync = await start({ NATIONAL_SYNC_SALE_CONCURRENCY: '20' });
    const wave = (n: number, price: number) =>
      stores.flatMap((ev) =>
        Array.from({ length: n }, (_, i) => ev.sale([['MED-PARA', 1, price + i, [lot('T1', 1)]]])),
      );
    await bed.produce(wave(30, 1000));
    await bed.settled(60);
    // Both accounts hold a token; it expires, then 20 workers per account meet the 401 at once.
    expect(bed.mock.expireTokens()).toBe(2);
    await bed.produce(wave(60, 5000));
    await bed.settled(180);
    const stats = bed.mock.stats();
    expect(stats.responses['401']).toBeGreaterThan(2); // a storm: many workers saw the expired token
    for (const code of CODES) expect(stats.logins[code]).toEqual({ ok: 2, refused: 0 });
    const text = await sync.metricsText();
    expect(metricSum(text, 'retail_national_sync_token_refreshes_total')).toBe(4);
    expect(await bed.documents(`status <> 'SYNC_SUCCESS'`)).toEqual([]);
    await expectExactlyOnce(new Set(), 180);
    await sync.stop();
  }, 120_000);

  it('the authority down (503 maintenance) then back: the backlog drains', async () => {
    bed.mock.setFaults({ maintenance: true });
    const sync = await start();
    const events = stores.flatMap((ev) =>
      Array.from({ length: 15 }, (_, i) => ev.sale([['MED-PARA', 1, 2000 + i, [lot('M1', 1)]]])),
    );
    await bed.produce(events);
    // Everyone has been refused at least twice while down: nothing sent, all still pending.
    await waitFor(
      async () => {
        const docs = await bed.documents();
        return docs.length === 30 && docs.every((d) => d.attempts >= 2 && d.status !== 'SYNC_SUCCESS');
      },
      { timeoutMs: 60_000, what: 'every document retried during the outage' },
    );
    expect(bed.mock.documents()).toHaveLength(0);
    const pending = await bed.documents(`status IN ('PENDING_SYNC', 'IN_FLIGHT')`);
    expect(pending).toHaveLength(30);
    bed.mock.setFaults({});
    const done = await bed.settled(30);
    expect(done.every((d) => d.status === 'SYNC_SUCCESS')).toBe(true);
    await expectExactlyOnce(new Set(), 30);
    await sync.stop();
  }, 120_000);
});
