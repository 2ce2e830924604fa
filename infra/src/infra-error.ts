import { AppError, type NonRetriableCode } from '@retail-stream/runtime';

/** An infra failure the user can act on: what broke, why, and the command or change that fixes it. */
export class InfraError extends AppError {
  readonly hint: string;
  readonly logTail: string | undefined;

  constructor(code: NonRetriableCode, message: string, hint: string, logTail?: string) {
    super(code, message);
    this.hint = hint;
    this.logTail = logTail;
  }

  describe(): string {
    const parts = [`✗ ${this.message} [${this.code}]`, `  fix: ${this.hint}`];
    if (this.logTail) parts.push('  last log lines:', ...this.logTail.split('\n').map((l) => `    | ${l}`));
    return parts.join('\n');
  }
}
