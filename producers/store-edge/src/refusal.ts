import { AppError, type HttpErrorCode } from '@retail-stream/runtime';

/**
 * A reason to refuse a request: a catalogue code (runtime/src/errors/catalogue/, the store edge's
 * own in store-edge.ts) that carries an HTTP status, so every refusal has exactly one status, in
 * one place; the runtime's errorMiddleware (runtime/src/http-errors.ts) answers with it.
 */
export type RefusalCode = HttpErrorCode;

/**
 * A request the store refuses; `field` names the offending input (a JSON path like `lines.0.sku`).
 * Thrown by use cases and the HTTP layer alike; a refused request changes nothing (its transaction
 * rolls back and no answer is stored).
 */
export class Refusal<C extends RefusalCode = RefusalCode> extends AppError<C> {
  constructor(code: C, message: string, field: string | null = null) {
    super(code, message, { field });
  }
}
