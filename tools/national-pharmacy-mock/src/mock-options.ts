import type { Logger } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { accountListSchema, loadAccountsFile } from './accounts.ts';
import { drugListSchema, loadDrugsFile } from './drug-list.ts';
import { faultConfigSchema } from './fault-config.ts';

export const DEFAULT_TOKEN_TTL_MS = 30 * 60_000;

/**
 * What startNationalPharmacyMock takes, parsed once: accounts and the drug list inline or from
 * their JSON files (inline wins), where to listen, the token lifetime, the control token, the
 * faults to start with and the file the accepted documents are kept in.
 */
export const mockOptionsSchema = z
  .object({
    accounts: accountListSchema.optional(),
    accountsFile: z.string().min(1).optional(),
    drugs: drugListSchema.optional(),
    drugsFile: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().default('127.0.0.1'),
    tokenTtlMs: z.number().int().positive().default(DEFAULT_TOKEN_TTL_MS),
    /** Without one, the control API is not served (the programmatic API still works). */
    controlToken: z.string().min(8).optional(),
    faults: faultConfigSchema.default(faultConfigSchema.parse({})),
    /** Keeps the accepted documents in this JSON file (read back at start). */
    stateFile: z.string().min(1).optional(),
  })
  .refine((o) => o.accounts || o.accountsFile, {
    message: 'accounts or accountsFile is required',
    path: ['accounts'],
  })
  .refine((o) => o.drugs || o.drugsFile, { message: 'drugs or drugsFile is required', path: ['drugs'] })
  .transform(({ accountsFile, drugsFile, ...o }) => ({
    ...o,
    accounts: o.accounts ?? loadAccountsFile(accountsFile!),
    drugs: o.drugs ?? loadDrugsFile(drugsFile!),
  }));

export type NationalPharmacyMockInput = z.input<typeof mockOptionsSchema>;

/** Options plus what only code can pass: a clock (tests drive token expiry and windows), logger, registry. */
export interface NationalPharmacyMockOptions extends NationalPharmacyMockInput {
  now?: () => number;
  logger?: Logger;
  metrics?: Registry;
}
