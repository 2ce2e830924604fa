import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { runWithTrace } from './trace.ts';

describe('createLogger', () => {
  it('writes JSON with service everywhere and trace_id inside runWithTrace', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ service: 'svc-a', level: 'info', destination });
    logger.info('outside');
    await runWithTrace('abc123', async () => {
      await Promise.resolve();
      logger.child({ component: 'deep' }).info({ x: 1 }, 'inside');
    });
    const [outside, inside] = lines.map((l) => JSON.parse(l));
    expect(outside).toMatchObject({ service: 'svc-a', level: 'info', msg: 'outside' });
    expect(outside.trace_id).toBeUndefined();
    expect(inside).toMatchObject({
      service: 'svc-a',
      trace_id: 'abc123',
      component: 'deep',
      x: 1,
      msg: 'inside',
    });
  });
});
