import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { PipelineNames } from '../pipeline/pipeline-names.ts';
import type { MockDocument } from './pharmacy-compare.ts';
import { checkIdentifier } from './sink-reads.ts';

/**
 * Waits (up to waitSeconds) until the national sync has no document on its way (pending without a
 * waiting reason, or in flight), then reads what the mock authority accepted from its state file
 * (written within 100 ms of each change). No state file: nothing reached the authority.
 */
export async function nationalDocumentsAfterSync(
  hq: pg.Client,
  names: PipelineNames,
  waitSeconds: number,
  log: (line: string) => void,
): Promise<MockDocument[]> {
  const schema = checkIdentifier('pg', names.national.schema);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    let open = 0;
    try {
      const r = await hq.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".documents
          WHERE status = 'IN_FLIGHT' OR (status = 'PENDING_SYNC' AND waiting_reason IS NULL)`,
      );
      open = r.rows[0]!.n;
    } catch {
      open = 0; // no sync schema: the sync never ran; the comparison says what is missing
    }
    if (open === 0) break;
    if (Date.now() > deadline) {
      log(`national sync: ${open} documents still on their way; checking anyway`);
      break;
    }
    await sleep(500);
  }
  await sleep(300); // the mock writes its state file within 100 ms of a change
  const file = names.national.mockStateFile;
  if (!fs.existsSync(file)) return [];
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { documents?: MockDocument[] };
  return state.documents ?? [];
}
