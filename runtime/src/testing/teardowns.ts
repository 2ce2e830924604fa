/**
 * Teardowns registered as a test sets things up, run in reverse (last set up, first torn down).
 * A failing teardown does not stop the others: a half-built setup must still be cleaned up, and a
 * topic or database that is already gone is not a test failure. The first error is rethrown at the
 * end unless `ignoreErrors` was passed.
 */
export class Teardowns {
  private readonly fns: (() => Promise<unknown> | unknown)[] = [];

  constructor(private readonly opts: { ignoreErrors?: boolean } = {}) {}

  /** Registers fn and returns `value`, so setup and its teardown stay on one line. */
  add<T>(value: T, fn: (value: T) => Promise<unknown> | unknown): T {
    this.fns.push(() => fn(value));
    return value;
  }

  push(...fns: (() => Promise<unknown> | unknown)[]): void {
    this.fns.push(...fns);
  }

  async run(): Promise<void> {
    let first: unknown;
    for (const fn of this.fns.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined && !this.opts.ignoreErrors) throw first;
  }
}
