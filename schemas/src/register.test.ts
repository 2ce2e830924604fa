import { AppError, type AvroSerde } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogue.ts';
import { composedSchemaText } from './compose.ts';
import { registerAll, registerSchemas } from './register.ts';

/** Just enough of a registry to see what registerAll asks, in which order. */
function fakeRegistry(opts: { refuse?: string } = {}) {
  const calls: string[] = [];
  const ids = new Map<string, number>();
  const registered = new Map<string, string>();
  const key = (subject: string, body: { schema: string; references?: unknown }) =>
    `${subject}|${body.schema}|${JSON.stringify(body.references ?? [])}`;
  const serde = {
    registry: {
      async register(
        schema: { schema: string; references?: unknown },
        o: { subject: string; compatibility: string },
      ) {
        calls.push(
          `register ${o.subject} ${o.compatibility} refs=${JSON.stringify(schema.references ?? [])}`,
        );
        if (o.subject.endsWith(opts.refuse ?? '\u0000')) {
          throw Object.assign(new Error('Schema being registered is incompatible with an earlier schema'), {
            status: 409,
          });
        }
        const id = ids.size + 1;
        ids.set(key(o.subject, schema), id);
        registered.set(o.subject, schema.schema);
        return { id };
      },
    },
  } as unknown as AvroSerde;
  const fetchFake = (async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    const body = JSON.parse(String(init.body));
    calls.push(
      `${init.method} ${decodeURIComponent(path)}${path.startsWith('/config') ? ` ${body.compatibility}` : ''}`,
    );
    if (init.method === 'PUT') return new Response(JSON.stringify(body), { status: 200 });
    const subject = decodeURIComponent(path.slice('/subjects/'.length));
    const id = ids.get(key(subject, body));
    return id === undefined
      ? new Response(JSON.stringify({ error_code: 40403, message: 'Schema not found' }), { status: 404 })
      : new Response(JSON.stringify({ subject, id, version: 1, schema: body.schema }), { status: 200 });
  }) as typeof fetch;
  return { serde, fetch: fetchFake, calls, registered };
}

describe('registerAll', () => {
  it('sets BACKWARD_TRANSITIVE, registers each top-level record self-contained and returns event type → id', async () => {
    const reg = fakeRegistry();
    const ids = await registerAll(reg.serde, { registryUrl: 'http://registry.test/', fetch: reg.fetch });

    expect(Object.keys(ids)).toEqual(catalogue.eventTypes);
    expect(new Set(Object.values(ids)).size).toBe(catalogue.eventTypes.length);
    // Per subject: config, then register (no references), then the version lookup.
    const sale = reg.calls.filter((c) => c.includes('retail.events.SaleRecorded'));
    expect(sale).toEqual([
      'PUT /config/retail.events.SaleRecorded BACKWARD_TRANSITIVE',
      'register retail.events.SaleRecorded BACKWARD_TRANSITIVE refs=[]',
      'POST /subjects/retail.events.SaleRecorded',
    ]);
    // Only the records a topic carries get a subject; shared parts are inlined.
    const subjects = reg.calls.filter((c) => c.startsWith('register')).map((c) => c.split(' ')[1]);
    expect(subjects.sort()).toEqual(
      catalogue.eventTypes.map((t) => catalogue.events.get(t)!.fullName).sort(),
    );
    expect(subjects).not.toContain('retail.events.Enrichment');
    expect(reg.registered.get('retail.events.SaleRecorded')).toBe(
      composedSchemaText(catalogue, 'retail.events.SaleRecorded'),
    );
  });

  it('in the references layout registers every type, references first, prefixing both subjects', async () => {
    const reg = fakeRegistry();
    const registered = await registerSchemas(reg.serde, catalogue, {
      registryUrl: 'http://registry.test',
      subjectPrefix: 'ci-abc-',
      fetch: reg.fetch,
      layout: 'references',
    });
    expect(registered.get('retail.events.PaymentCaptured')).toMatchObject({
      subject: 'ci-abc-retail.events.PaymentCaptured',
      version: 1,
      references: [
        { name: 'retail.events.Enrichment', subject: 'ci-abc-retail.events.Enrichment', version: 1 },
        { name: 'retail.events.PaymentMethod', subject: 'ci-abc-retail.events.PaymentMethod', version: 1 },
      ],
    });
    const order = reg.calls.filter((c) => c.startsWith('register')).map((c) => c.split(' ')[1]);
    expect(order.indexOf('ci-abc-retail.events.SaleLine')).toBeLessThan(
      order.indexOf('ci-abc-retail.events.SaleRecorded'),
    );
    expect(order).toHaveLength(catalogue.schemas.length);
  });

  it('names the type the registry refuses, with a non-retriable SCHEMA_INCOMPATIBLE', async () => {
    const reg = fakeRegistry({ refuse: 'retail.events.SaleVoided' });
    const err = await registerAll(reg.serde, { registryUrl: 'http://registry.test', fetch: reg.fetch }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SCHEMA_INCOMPATIBLE');
    expect((err as AppError).retriable).toBe(false);
    expect((err as Error).message).toMatch(
      /^retail\.events\.SaleVoided \(subject retail\.events\.SaleVoided\) is incompatible/,
    );
  });

  it('reports an unreachable registry as retriable', async () => {
    const reg = fakeRegistry();
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const err = (await registerAll(reg.serde, { registryUrl: 'http://registry.test', fetch: down }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(err.code).toBe('REGISTRY_UNAVAILABLE');
    expect(err.retriable).toBe(true);
  });
});
