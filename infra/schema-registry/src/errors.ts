import { AppError, errorEntry, type ErrorCode, type RetriableFor } from '@retail-stream/runtime';

/**
 * Confluent's numeric `error_code` for every failure the registry reports on purpose. Clients (and
 * @kafkajs/confluent-schema-registry) branch on these numbers, so they must be Confluent's, not
 * ours. The string codes, their HTTP status, meaning and operator action are in the catalogue
 * (runtime/src/errors/catalogue/registry.ts and http.ts).
 */
const confluentErrorCodes = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: 40408,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INCOMPATIBLE_SCHEMA: 409,
  MALFORMED_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_REQUEST: 422,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  REFERENCE_EXISTS: 42206,
  REGISTRY_UNAUTHENTICATED: 401,
  REGISTRY_PERMANENT_DELETE_DISABLED: 40301,
  STORAGE_FAILED: 50001,
  INTERNAL: 500,
} as const satisfies Partial<Record<ErrorCode, number>>;

export type RegistryErrorCode = keyof typeof confluentErrorCodes;

/** Each registry code with its HTTP status (from the catalogue) and Confluent `error_code`. */
export const registryErrorCodes = Object.fromEntries(
  Object.entries(confluentErrorCodes).map(([code, errorCode]) => [
    code,
    { status: errorEntry(code as RegistryErrorCode).http ?? 500, errorCode },
  ]),
) as Record<RegistryErrorCode, { status: number; errorCode: number }>;

export class RegistryError<C extends RegistryErrorCode = RegistryErrorCode> extends AppError<C> {
  declare readonly code: RegistryErrorCode;

  constructor(code: C, message: string, opts: { retriable?: RetriableFor<C>; cause?: unknown } = {}) {
    super(code, message, opts);
  }

  get httpStatus(): number {
    return registryErrorCodes[this.code].status;
  }

  get confluentErrorCode(): number {
    return registryErrorCodes[this.code].errorCode;
  }
}
