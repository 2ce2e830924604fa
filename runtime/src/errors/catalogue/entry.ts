/**
 * One code of the catalogue. `retriable` is what a caller may assume without reading the message:
 * `true` — the same operation can succeed later (back off and retry); `false` — it cannot; `'either'`
 * — the raise site knows (an explicit `retriable` is then required-by-convention at `new AppError`).
 */
export interface ErrorEntry {
  readonly retriable: boolean | 'either';
  /** The HTTP status when one of our APIs answers with this code; absent for internal-only codes. */
  readonly http?: number;
  /** One line: what happened. */
  readonly meaning: string;
  /** One line: what an operator does about it. */
  readonly action: string;
}

/** A section of the catalogue: one area's codes (see catalogue/index.ts for how they are merged). */
export type ErrorSection = Record<string, ErrorEntry>;
