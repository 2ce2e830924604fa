import { errorCode, schemaIdOf, type AvroSerde } from '@retail-stream/runtime';
import type { DlqRecord } from './dlq-record.ts';

/**
 * The redrive precheck for UNKNOWN_SCHEMA_ID dead letters: while the registry still does not know
 * the record's schema id, a redrive can only fail again and use up an attempt, so the record waits.
 * Other codes pass. One registry lookup per schema id per run.
 */
export function schemaIdPrecheck(serde: AvroSerde): (r: DlqRecord) => Promise<string | undefined> {
  const known = new Map<number, Promise<boolean>>();
  return async (r) => {
    if (r.info?.code !== 'UNKNOWN_SCHEMA_ID') return undefined;
    const id = schemaIdOf(r.value);
    if (id === undefined) return undefined;
    let lookup = known.get(id);
    if (!lookup) {
      lookup = serde.typeFor(id).then(
        () => true,
        (err: unknown) => {
          // Only a definite "not found" holds records back; a registry that cannot answer fails the run.
          if (errorCode(err) === 'UNKNOWN_SCHEMA') return false;
          throw err;
        },
      );
      known.set(id, lookup);
    }
    return (await lookup) ? undefined : `schema id ${id} is still not in the registry`;
  };
}
