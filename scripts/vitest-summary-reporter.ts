import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/** Where the failed tests are listed, so CI can print them again after the (long) service logs. */
export const FAILURES_FILE = '.data/test-failures.txt';

/**
 * Prints one plain closing line ("Tests: N passed, N failed, N skipped") that CI tooling
 * outside the vitest ecosystem can read without parsing vitest's own summary, and writes the
 * failed tests with their first error line to FAILURES_FILE.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') {
          failures.push(`${mod.moduleId} › ${test.fullName}: ${firstLine(result.errors?.[0]?.message)}`);
        } else skipped++;
      }
      if (mod.state() === 'failed' && mod.children.size === 0) {
        failures.push(`${mod.moduleId}: ${firstLine(mod.errors()[0]?.message)}`);
      }
    }
    const summary = `Tests: ${passed} passed, ${failures.length} failed, ${skipped} skipped`;
    mkdirSync('.data', { recursive: true });
    writeFileSync(FAILURES_FILE, [summary, ...failures.map((f) => `  ✗ ${f}`)].join('\n') + '\n');
    process.stdout.write(`\n${summary}\n`);
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? 'no error message').split('\n')[0]!.slice(0, 300);
}
