import {
  deriveStoreKey,
  formatSigningKey,
  parseConfig,
  signingMasterKeys,
  type SigningKey,
} from '@retail-stream/runtime';
import { STORE_ID } from '@retail-stream/schemas';
import type { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../cli-kit/context.ts';
import { usageError } from '../cli-kit/exit-codes.ts';
import { addCommand } from '../program.ts';

/** Only this command needs the master keys: every other command works without them. */
const keysConfig = z.object({ SIGNING_MASTER_KEYS: signingMasterKeys });

/**
 * retail keys derive: a store's signing key for its relay (RELAY_SIGNING_KEY), derived from HQ's
 * master key (SIGNING_MASTER_KEYS, runtime/src/store-signature.ts). Run at HQ when provisioning a
 * store or rolling the master key over (docs/security.md); the store never sees the master.
 */
export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description('Store signing keys: derive the key a store relay signs its events with')
    .addHelpText('after', '\nGuide: docs/security.md');

  addCommand(keys, 'derive', "A store's relay signing key (RELAY_SIGNING_KEY) from SIGNING_MASTER_KEYS", [
    'SIGNING_MASTER_KEYS=v2:…,v1:… retail keys derive --store s017',
    'retail keys derive --store s017 --key-version v1 --json',
  ])
    .requiredOption('--store <id>', 'the store id (as in its STORE_ID)')
    .option('--key-version <v>', 'master key version to derive from (default: the first, current one)')
    .action((o: { store: string; keyVersion?: string }) => {
      if (!STORE_ID.test(o.store)) throw usageError(`--store ${o.store}: not a store id`);
      const masters = parseConfig(keysConfig, ctx.envWith()).SIGNING_MASTER_KEYS;
      const master: SigningKey | undefined =
        o.keyVersion === undefined ? masters[0] : masters.find((k) => k.version === o.keyVersion);
      if (!master) {
        throw usageError(
          `--key-version ${o.keyVersion}: not in SIGNING_MASTER_KEYS (has ${masters.map((k) => k.version).join(', ')})`,
        );
      }
      const key = formatSigningKey(deriveStoreKey(master, o.store));
      ctx.output.result({ store_id: o.store, version: master.version, relay_signing_key: key }, () =>
        [
          `RELAY_SIGNING_KEY=${key}`,
          `# store ${o.store}, master key version ${master.version}: give it to this store's relay only`,
        ].join('\n'),
      );
    });
}
