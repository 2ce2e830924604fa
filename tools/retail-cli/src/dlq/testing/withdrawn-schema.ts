import { eventSchema } from '@retail-stream/schemas';
import avro from 'avsc';

/**
 * A writer schema of `eventType` (the catalogue's, plus an optional field of its own so it gets an
 * id of its own) whose id the registry does NOT resolve yet: registered, then deleted for good,
 * so records can be encoded with the id before it "exists". Re-registering the same schema gives
 * back the same id (a registry never reuses an id for another schema, and keeps it for this one),
 * which is what a late schema registration looks like to the pipeline.
 */
export interface WithdrawnSchema {
  id: number;
  type: avro.Type;
  /** The extra field's name (its default is ''). */
  field: string;
  /** Registers it again; resolves to its id (the same). */
  register(): Promise<number>;
  /** Removes the subject for good (teardown). */
  drop(): Promise<void>;
}

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';

export async function withdrawnSchema(
  registryUrl: string,
  eventType: string,
  unique: string,
): Promise<WithdrawnSchema> {
  const field = `redrive_test_${unique.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const base = eventSchema(eventType).type.schema() as { fields: object[] };
  const schema = { ...base, fields: [...base.fields, { name: field, type: 'string', default: '' }] };
  const subject = `${unique}-value`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${registryUrl}${path}`, {
      method,
      headers: { 'content-type': JSON_TYPE },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const register = async () =>
    (
      (await call('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) })) as {
        id: number;
      }
    ).id;
  const drop = async () => {
    await call('DELETE', `/subjects/${subject}`).catch(() => undefined);
    await call('DELETE', `/subjects/${subject}?permanent=true`).catch(() => undefined);
  };
  const id = await register();
  await drop();
  const res = await fetch(`${registryUrl}/schemas/ids/${id}`);
  if (res.status !== 404) throw new Error(`schema id ${id} still resolves after its subject was deleted`);
  return { id, type: avro.Type.forSchema(schema as avro.Schema), field, register, drop };
}
