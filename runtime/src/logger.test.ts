import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { runInTraceContext } from './trace.ts';

describe('createLogger', () => {
  it('writes JSON with service everywhere and trace_id and span_id inside runInTraceContext', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ service: 'svc-a', level: 'info', destination });
    logger.info('outside');
    const ctx = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: 1 };
    await runInTraceContext(ctx, async () => {
      await Promise.resolve();
      logger.child({ component: 'deep' }).info({ x: 1 }, 'inside');
    });
    const [outside, inside] = lines.map((l) => JSON.parse(l));
    expect(outside).toMatchObject({ service: 'svc-a', level: 'info', msg: 'outside' });
    expect(outside.trace_id).toBeUndefined();
    expect(inside).toMatchObject({
      service: 'svc-a',
      trace_id: ctx.traceId,
      span_id: ctx.spanId,
      component: 'deep',
      x: 1,
      msg: 'inside',
    });
  });

  it('redacts tokens, passwords, authorization headers and SASL settings wherever they sit', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ service: 'svc-r', destination });
    const secrets = [
      'Bearer rsk_k1.s3cr3t-bearer',
      'sid=c00kie',
      'xk-api-123',
      'pw-top',
      'tok-999',
      'sasl-pw',
    ];
    logger.warn(
      {
        req: {
          method: 'POST',
          headers: { authorization: secrets[0], cookie: secrets[1], 'x-api-key': secrets[2], host: 'h' },
        },
        db: { user: 'retail', password: secrets[3] },
        token: secrets[4],
        kafka: {
          brokers: ['b:1'],
          sasl: { mechanism: 'scram-sha-512', username: 'u', password: secrets[5] },
        },
      },
      'request refused',
    );
    expect(lines).toHaveLength(1);
    for (const s of secrets) expect(lines[0]).not.toContain(s);
    const line = JSON.parse(lines[0]!);
    // What is not secret stays readable.
    expect(line.req.headers.host).toBe('h');
    expect(line.db.user).toBe('retail');
    expect(line.kafka.brokers).toEqual(['b:1']);
    expect(line.req.headers.authorization).toBe('[redacted]');
    expect(line.token).toBe('[redacted]');
  });
});
