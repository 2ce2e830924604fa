import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFor, SyncTestBed } from '../test/harness.ts';
import { lot, PharmacyEvents } from '../test/pharmacy-events.ts';

/**
 * A pharmacy whose account is missing from the secrets file: its documents wait with the reason
 * and nothing is sent for it; once the account is added to the file (no restart), they go out.
 */
const [A, LATE] = ['CS-ACC-A', 'CS-ACC-LATE'];
const accounts = accountsFor([A, LATE]);
const bed = new SyncTestBed(accounts);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-accounts-'));
const file = path.join(dir, 'accounts.json');

beforeAll(async () => {
  await bed.setup();
}, 120_000);
afterAll(async () => {
  await bed.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('national sync: accounts from the secrets file', () => {
  it('waits without an account, sends once the account is added to the file', async () => {
    fs.writeFileSync(file, JSON.stringify([accounts[0]]));
    // The inline accounts are left empty: only the file counts.
    await bed.startInProcess({ NATIONAL_SYNC_ACCOUNTS_FILE: file, NATIONAL_SYNC_ACCOUNTS: '[]' });
    const late = new PharmacyEvents({ storeId: 'S-ACC-2', maCoSo: LATE });
    const ok = new PharmacyEvents({ storeId: 'S-ACC-1', maCoSo: A });
    const waiting = [
      late.sale([['MED-PARA', 1, 1000, [lot('L1', 1)]]]),
      late.sale([['MED-PARA', 2, 1000, [lot('L1', 2)]]]),
    ];
    await bed.produce([...waiting, ok.sale([['MED-PARA', 1, 900, [lot('L2', 1)]]])]);
    await waitFor(
      async () => (await bed.documents(`ma_co_so = $1 AND status = 'SYNC_SUCCESS'`, [A])).length === 1,
      {
        what: "the other pharmacy's sale sent",
      },
    );
    const held = await bed.documents('ma_co_so = $1', [LATE]);
    expect(held.map((d) => [d.status, d.attempts])).toEqual([
      ['PENDING_SYNC', 0],
      ['PENDING_SYNC', 0],
    ]);
    for (const d of held)
      expect(d.waiting_reason).toBe(
        `NATIONAL_SYNC_NO_CREDENTIALS: no national database account configured for ma_co_so ${LATE}`,
      );
    expect(bed.mock.stats().logins[LATE]).toBeUndefined();

    fs.writeFileSync(file, JSON.stringify(accounts));
    const sent = await bed.settled(3);
    expect(sent.map((d) => [d.status, d.waiting_reason])).toEqual([
      ['SYNC_SUCCESS', null],
      ['SYNC_SUCCESS', null],
      ['SYNC_SUCCESS', null],
    ]);
    expect(bed.mock.documents({ ma_co_so: LATE })).toHaveLength(2);
  }, 120_000);
});
