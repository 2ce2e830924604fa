import { parseArgs } from 'node:util';
import type pg from 'pg';
import { isStoreEpochId, LEGACY_STORE_EPOCH } from '@retail-stream/runtime';
import { STORE_ID } from '@retail-stream/schemas';
import { issueKey, listKeys, revokeKey } from './api-keys.ts';
import { advanceEpochCursor, lockEpochCursor } from './epoch-cursor.ts';

export const USAGE = `usage: keys-cli <command>
  issue  --store <store_id>          issue a key for a store; the key is printed once (stdout)
  revoke --key-id <key_id>           revoke a key (effective within GATEWAY_KEY_CACHE_TTL_MS)
  list   [--store <store_id>] [--json]   keys (never secrets), newest last
  cursor --store <store_id> [--set <n>] [--epoch <id>]  show the store's last store_seq in Kafka per
                                     store database epoch, or set it for one (default legacy)
env: PG_URL (HQ database), GATEWAY_PG_SCHEMA (default ingest_gateway)`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The CLI's commands against a migrated pool; returns the exit code. */
export async function runKeysCommand(argv: readonly string[], pool: pg.Pool, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  let values: { store?: string; 'key-id'?: string; set?: string; epoch?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        store: { type: 'string' },
        'key-id': { type: 'string' },
        set: { type: 'string' },
        epoch: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  const store = values.store;
  if (store !== undefined && !STORE_ID.test(store)) {
    io.err(`invalid --store '${store}': lower-case letters, digits and _, at most 31 characters`);
    return 64;
  }

  switch (command) {
    case 'issue': {
      if (!store) return usage(io, 'issue needs --store');
      const k = await issueKey(pool, store);
      io.out(k.key);
      io.err(
        `issued key ${k.keyId} for store ${k.storeId}. This is the only time the key is shown: ` +
          `configure the store's relay with it now (RELAY_HTTP_API_KEY).`,
      );
      return 0;
    }
    case 'revoke': {
      const keyId = values['key-id'];
      if (!keyId) return usage(io, 'revoke needs --key-id');
      const outcome = await revokeKey(pool, keyId);
      if (outcome === 'unknown') {
        io.err(`no key ${keyId}`);
        return 1;
      }
      io.out(outcome === 'revoked' ? `revoked ${keyId}` : `${keyId} was already revoked`);
      return 0;
    }
    case 'list': {
      const keys = await listKeys(pool, store);
      if (values.json) {
        io.out(JSON.stringify(keys));
        return 0;
      }
      io.out(['key_id'.padEnd(16), 'store_id'.padEnd(31), 'created_at'.padEnd(24), 'revoked_at'].join('  '));
      for (const k of keys) {
        io.out(
          [
            k.keyId.padEnd(16),
            k.storeId.padEnd(31),
            k.createdAt.toISOString().padEnd(24),
            k.revokedAt?.toISOString() ?? '-',
          ].join('  '),
        );
      }
      return 0;
    }
    case 'cursor': {
      if (!store) return usage(io, 'cursor needs --store');
      const epoch = values.epoch ?? LEGACY_STORE_EPOCH;
      if (!isStoreEpochId(epoch)) return usage(io, '--epoch needs an epoch id (a UUID) or legacy');
      if (values.set === undefined) {
        const { rows } = await pool.query<{ epoch: string; last_seq: string }>(
          'SELECT epoch, last_seq FROM ingest_store_cursors WHERE store_id = $1 ORDER BY updated_at',
          [store],
        );
        if (rows.length === 0) io.out(`${store} last_seq 0 (nothing received yet)`);
        for (const r of rows) io.out(`${store}${epochLabel(r.epoch)} last_seq ${r.last_seq}`);
        return 0;
      }
      if (!/^\d{1,15}$/.test(values.set)) return usage(io, '--set needs a non-negative integer');
      const previous = await setCursor(pool, store, epoch, Number(values.set));
      io.out(`${store}${epochLabel(epoch)} last_seq ${previous} -> ${values.set}`);
      return 0;
    }
    default:
      return usage(io, command ? `unknown command '${command}'` : 'no command');
  }
}

/** The legacy epoch (no epoch header) prints as before epochs existed. */
const epochLabel = (epoch: string) => (epoch === LEGACY_STORE_EPOCH ? '' : ` epoch ${epoch}`);

/** Sets a store's cursor under its row lock (so no request of the store is half-way); returns the old value. */
async function setCursor(pool: pg.Pool, storeId: string, epoch: string, lastSeq: number): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const previous = await lockEpochCursor(client, storeId, epoch, undefined);
    await advanceEpochCursor(client, storeId, epoch, lastSeq);
    await client.query('COMMIT');
    return previous;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function usage(io: CliIo, problem: string): number {
  io.err(`${problem}\n${USAGE}`);
  return 64;
}
