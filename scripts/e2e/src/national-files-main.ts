import fs from 'node:fs';
import path from 'node:path';
import { parseCliOrExit } from '@retail-stream/runtime';
import {
  generateCatalogue,
  generateStores,
  nationalDrugList,
  pharmacyAccounts,
} from '@retail-stream/fixtures';
import { z } from 'zod';

/**
 * One-shot setup step of the demo and the end-to-end run: the mock authority's and the sync's
 * files for the seeded stores — the pharmacies' demo accounts (fixtures' pharmacyAccounts: the
 * same secrets file feeds both, as NATIONAL_MOCK_ACCOUNTS_FILE and NATIONAL_SYNC_ACCOUNTS_FILE)
 * and the national drug list of the seeded catalogue. Removes the mock's old state file, so the
 * run's checker compares against this run's authority only.
 */
const USAGE =
  'usage: national-files --stores N --prefix P --skus N [--seed N (42)] --accounts FILE --drugs FILE [--reset-state FILE]';
const o = parseCliOrExit({
  usage: USAGE,
  options: {
    stores: { type: 'string' },
    prefix: { type: 'string', default: 's' },
    skus: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '42' },
    accounts: { type: 'string' },
    drugs: { type: 'string' },
    'reset-state': { type: 'string' },
  },
  schema: z.object({
    stores: z.coerce.number().int().min(1),
    prefix: z.string().min(1),
    skus: z.coerce.number().int().min(1),
    seed: z.coerce.number().int(),
    accounts: z.string().min(1),
    drugs: z.string().min(1),
    'reset-state': z.string().min(1).optional(),
  }),
});

const stores = generateStores(o.stores, { prefix: o.prefix, seed: o.seed });
const accounts = pharmacyAccounts(stores);
const drugs = nationalDrugList(generateCatalogue(o.skus, o.seed)).map((d) => d.national_drug_code);
for (const file of [o.accounts, o.drugs]) fs.mkdirSync(path.dirname(file), { recursive: true });
// Demo-only secrets (derived from the pharmacy code): readable by the owner only all the same.
fs.writeFileSync(o.accounts, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
fs.writeFileSync(o.drugs, `${JSON.stringify(drugs, null, 2)}\n`);
if (o['reset-state']) fs.rmSync(o['reset-state'], { force: true });
process.stdout.write(
  `national files: ${accounts.length} pharmacy accounts, ${drugs.length} national drug codes\n`,
);
