import { AppError } from '@retail-stream/runtime';

/** An error with an HTTP status; `field` names the offending input (a JSON path like `lines.0.sku`). */
export class ApiError extends AppError {
  readonly status: number;
  readonly field: string | null;

  constructor(status: number, code: string, message: string, field: string | null = null) {
    super(code, message, { retriable: false });
    this.status = status;
    this.field = field;
  }
}

export const badRequest = (code: string, message: string, field: string | null = null) =>
  new ApiError(400, code, message, field);
export const notFound = (code: string, message: string, field: string | null = null) =>
  new ApiError(404, code, message, field);
export const conflict = (code: string, message: string, field: string | null = null) =>
  new ApiError(409, code, message, field);
export const unprocessable = (code: string, message: string, field: string | null = null) =>
  new ApiError(422, code, message, field);
