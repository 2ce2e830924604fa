import { AppError, type AvroSerde } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogue.ts';
import { registerAll, registerSchemas } from './register.ts';

/** Just enough of a registry to see what registerAll asks, in which order. */
function fakeRegistry(opts: { refuse?: string } = {}) {
  const calls: string[] = [];
  const ids = new Map<string, number>();
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
  return { serde, fetch: fetchFake, calls };
}

describe('registerAll', () => {
  it('sets BACKWARD_TRANSITIVE, registers references first and returns event type → id', async () => {
    const reg = fakeRegistry();
    const ids = await registerAll(reg.serde, { registryUrl: 'http://registry.test/', fetch: reg.fetch });

    expect(Object.keys(ids)).toEqual(catalogue.eventTypes);
    expect(new Set(Object.values(ids)).size).toBe(catalogue.eventTypes.length);
    // Per subject: config, then register, then the version lookup.
    const sale = reg.calls.filter((c) => c.includes('retail.events.SaleRecorded'));
    expect(sale).toEqual([
      'PUT /config/retail.events.SaleRecorded BACKWARD_TRANSITIVE',
      'register retail.events.SaleRecorded BACKWARD_TRANSITIVE refs=[{"name":"retail.events.Enrichment","subject":"retail.events.Enrichment","version":1},{"name":"retail.events.StockChange","subject":"retail.events.StockChange","version":1},{"name":"retail.events.SaleLine","subject":"retail.events.SaleLine","version":1}]',
      'POST /subjects/retail.events.SaleRecorded',
    ]);
    const order = reg.calls.filter((c) => c.startsWith('register')).map((c) => c.split(' ')[1]);
    expect(order.indexOf('retail.events.SaleLine')).toBeLessThan(order.indexOf('retail.events.SaleRecorded'));
    expect(order.indexOf('retail.events.PaymentMethod')).toBeLessThan(
      order.indexOf('retail.events.PaymentCaptured'),
    );
    expect(order).toHaveLength(catalogue.schemas.length);
  });

  it('prefixes subjects and the subjects of references alike', async () => {
    const reg = fakeRegistry();
    const registered = await registerSchemas(reg.serde, catalogue.schemas, {
      registryUrl: 'http://registry.test',
      subjectPrefix: 'ci-abc-',
      fetch: reg.fetch,
    });
    expect(registered.get('retail.events.PaymentCaptured')).toMatchObject({
      subject: 'ci-abc-retail.events.PaymentCaptured',
      version: 1,
      references: [
        { name: 'retail.events.Enrichment', subject: 'ci-abc-retail.events.Enrichment', version: 1 },
        { name: 'retail.events.PaymentMethod', subject: 'ci-abc-retail.events.PaymentMethod', version: 1 },
      ],
    });
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
