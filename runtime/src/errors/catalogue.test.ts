import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_SECTIONS, isErrorCode } from './catalogue/index.ts';
import { scanCodeLiterals } from './code-scan.ts';
import { kafkaErrorCode } from './kafka-error-code.ts';

describe('the error catalogue', () => {
  it('holds each code in exactly one section, named in SCREAMING_SNAKE_CASE', () => {
    const seen = new Map<string, string>();
    for (const [section, codes] of Object.entries(ERROR_SECTIONS)) {
      for (const code of Object.keys(codes)) {
        expect(seen.get(code), `${code} is in ${seen.get(code)} and ${section}`).toBeUndefined();
        seen.set(code, section);
        expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      }
    }
    expect(seen.size).toBe(Object.keys(ERROR_CATALOGUE).length);
  });

  it('gives every code a one-line meaning and operator action, and HTTP statuses only in 4xx/5xx', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      for (const text of [e.meaning, e.action]) {
        expect(text.trim().length, code).toBeGreaterThan(3);
        expect(text, code).not.toContain('\n');
      }
      const http = (e as { http?: number }).http;
      if (http !== undefined) expect(http >= 400 && http < 600, code).toBe(true);
    }
  });

  it('maps every Kafka protocol error type into the fixed set', () => {
    for (const type of [
      'NOT_LEADER_OR_FOLLOWER',
      'MESSAGE_TOO_LARGE',
      'SOMETHING_NEW',
      'REQUEST_TIMED_OUT',
    ]) {
      expect(isErrorCode(kafkaErrorCode(type))).toBe(true);
    }
    expect(kafkaErrorCode('SOMETHING_NEW')).toBe('KAFKA_SEND_FAILED');
  });

  it('holds every code literal written in the source tree (new Error codes, code: properties, DLQ reasons)', () => {
    const uses = scanCodeLiterals();
    expect(uses.length).toBeGreaterThan(100); // the scan found the tree
    const unknown = uses.filter((u) => !isErrorCode(u.code)).map((u) => `${u.code} at ${u.file}:${u.line}`);
    expect(unknown, 'add these to runtime/src/errors/catalogue/<area>.ts, then npm run docs:errors').toEqual(
      [],
    );
  });
});
