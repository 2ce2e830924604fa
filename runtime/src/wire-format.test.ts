import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import {
  allocFrame,
  bodyOf,
  frame,
  isFramed,
  NOT_WIRE_FORMAT,
  parseFrame,
  readSchemaId,
  schemaIdOf,
  WIRE_HEADER_BYTES,
} from './wire-format.ts';

const body = Buffer.from([0x0a, 0x0b, 0x0c]);

describe('Confluent wire format', () => {
  it('frames as magic 0 + big-endian schema id + body', () => {
    const framed = frame(258, body);
    expect([...framed]).toEqual([0, 0, 0, 1, 2, 0x0a, 0x0b, 0x0c]);
    expect(WIRE_HEADER_BYTES).toBe(5);
  });

  it('parses what it frames, the body as a view of the same bytes', () => {
    const framed = frame(0x7fff_ffff, body);
    const parsed = parseFrame(framed);
    expect(parsed.schemaId).toBe(0x7fff_ffff);
    expect(parsed.body).toEqual(body);
    expect(parsed.body.buffer).toBe(framed.buffer);
    expect(readSchemaId(framed)).toBe(0x7fff_ffff);
    expect(bodyOf(framed)).toEqual(body);
  });

  it('allocates a frame whose body the caller writes in place', () => {
    const out = allocFrame(9, body.length);
    body.copy(out, WIRE_HEADER_BYTES);
    expect(out).toEqual(frame(9, body));
  });

  it('frames an empty body', () => {
    expect(parseFrame(frame(1, Buffer.alloc(0)))).toEqual({ schemaId: 1, body: Buffer.alloc(0) });
  });

  it('rejects bytes that are not framed with a typed, non-retriable NOT_WIRE_FORMAT error', () => {
    for (const bad of [Buffer.from('{"json":true}'), Buffer.from([0, 0, 1]), Buffer.alloc(0)]) {
      expect(isFramed(bad)).toBe(false);
      expect(schemaIdOf(bad)).toBeUndefined();
      for (const read of [readSchemaId, parseFrame]) {
        let caught: unknown;
        try {
          read(bad);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(ValidationError);
        expect((caught as ValidationError).code).toBe(NOT_WIRE_FORMAT);
        expect((caught as ValidationError).retriable).toBe(false);
      }
    }
    expect(schemaIdOf(null)).toBeUndefined();
    expect(schemaIdOf(frame(-2, body))).toBe(-2);
    expect(isFramed(undefined)).toBe(false);
  });
});
