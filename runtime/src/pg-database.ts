import pg from 'pg';
import { ValidationError } from './errors.ts';

/** Lower-case so the name never needs case-preserving quotes elsewhere; 63 bytes is Postgres' NAMEDATALEN limit. */
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** duplicate_database, and the unique-index race two concurrent CREATE DATABASEs can hit instead. */
const ALREADY_EXISTS = new Set(['42P04', '23505']);
/** object_in_use: CREATE DATABASE copies template1 and fails while another session is copying it too. */
const TEMPLATE_BUSY = '55006';

export function isValidDatabaseName(name: string): boolean {
  return DATABASE_NAME.test(name);
}

/**
 * Creates database `name` if it does not exist yet: each store edge gets its own database, created
 * the first time the store shows up rather than by a migration listing every store. Safe to call
 * concurrently from several processes. Returns true when this call created it.
 *
 * adminUrl must be a role with CREATEDB (locally: the `retail` superuser); the new database is
 * owned by that role.
 */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  if (!isValidDatabaseName(name)) {
    throw new ValidationError(
      'INVALID_DATABASE_NAME',
      `invalid database name '${name}': use lower-case letters, digits and _, starting with a letter, at most 63 characters`,
    );
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return false;
      try {
        // CREATE DATABASE takes no bind parameters; the regex above is what makes quoting safe.
        await client.query(`CREATE DATABASE "${name}"`);
        return true;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && ALREADY_EXISTS.has(code)) return false;
        if (code === TEMPLATE_BUSY && attempt < 10) {
          await new Promise((r) => setTimeout(r, 100 * attempt));
          continue;
        }
        throw err;
      }
    }
  } finally {
    await client.end();
  }
}
