/**
 * One data-modifying statement (INSERT, UPDATE or DELETE; no WITH) with its own parameters
 * $1…$n, handed to commitWithEvents to run in the transaction's final statement instead of on its
 * own (one round trip for the change's last writes, the stored answer and the outbox rows).
 * Its result rows are not read: a use case that needs RETURNING runs the statement itself.
 */
export interface SqlWrite {
  /** Short and unique per SQL text: part of the final statement's prepared-statement name. */
  name: string;
  text: string;
  values: readonly unknown[];
}

/**
 * The statement with its parameters moved up by `offset`, so several statements written with their
 * own $1…$n can share one parameter list. Only for this package's SQL, which has no `$` in literals.
 */
export function shiftParams(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`);
}
