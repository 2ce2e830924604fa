import { AppError } from '@retail-stream/runtime';

/**
 * Every failure the registry reports on purpose, with the HTTP status and Confluent `error_code`
 * it maps to. Clients (and @kafkajs/confluent-schema-registry) branch on these numbers, so they
 * must be Confluent's, not ours.
 */
export const registryErrorCodes = {
  SUBJECT_NOT_FOUND: { status: 404, errorCode: 40401 },
  VERSION_NOT_FOUND: { status: 404, errorCode: 40402 },
  SCHEMA_NOT_FOUND: { status: 404, errorCode: 40403 },
  SUBJECT_SOFT_DELETED: { status: 404, errorCode: 40404 },
  SUBJECT_NOT_SOFT_DELETED: { status: 404, errorCode: 40405 },
  VERSION_SOFT_DELETED: { status: 404, errorCode: 40406 },
  VERSION_NOT_SOFT_DELETED: { status: 404, errorCode: 40407 },
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: { status: 404, errorCode: 40408 },
  ROUTE_NOT_FOUND: { status: 404, errorCode: 404 },
  METHOD_NOT_ALLOWED: { status: 405, errorCode: 405 },
  INCOMPATIBLE_SCHEMA: { status: 409, errorCode: 409 },
  MALFORMED_JSON: { status: 400, errorCode: 400 },
  BODY_TOO_LARGE: { status: 413, errorCode: 413 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, errorCode: 415 },
  INVALID_REQUEST: { status: 422, errorCode: 422 },
  INVALID_SCHEMA: { status: 422, errorCode: 42201 },
  INVALID_VERSION: { status: 422, errorCode: 42202 },
  INVALID_COMPATIBILITY_LEVEL: { status: 422, errorCode: 42203 },
  REFERENCE_EXISTS: { status: 422, errorCode: 42206 },
  STORAGE_FAILED: { status: 500, errorCode: 50001 },
  INTERNAL: { status: 500, errorCode: 500 },
} as const satisfies Record<string, { status: number; errorCode: number }>;

export type RegistryErrorCode = keyof typeof registryErrorCodes;

export class RegistryError extends AppError {
  declare readonly code: RegistryErrorCode;

  constructor(code: RegistryErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, opts);
  }

  get httpStatus(): number {
    return registryErrorCodes[this.code].status;
  }

  get confluentErrorCode(): number {
    return registryErrorCodes[this.code].errorCode;
  }
}
