import { describe, expect, it } from 'vitest';
import { RegistryError, registryErrorCodes } from './errors.ts';

describe('registry error codes', () => {
  it("answer each code with the catalogue's HTTP status, in the class of its Confluent error_code", () => {
    for (const [code, { status, errorCode }] of Object.entries(registryErrorCodes)) {
      expect(String(errorCode).slice(0, 3), code).toBe(String(status));
    }
    const e = new RegistryError('SUBJECT_NOT_FOUND', 'Subject not found');
    expect([e.httpStatus, e.confluentErrorCode, e.retriable]).toEqual([404, 40401, false]);
    expect(new RegistryError('STORAGE_FAILED', 'closing', { retriable: true }).retriable).toBe(true);
  });
});
