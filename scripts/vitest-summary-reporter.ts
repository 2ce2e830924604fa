import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** Where the failed tests are listed, so CI can print them again after the (long) service logs. */
export const FAILURES_FILE = '.data/test-failures.txt';

/** The slowest test files, so the CI time budget (20 minutes) is spent where it is visible. */
export const DURATIONS_FILE = '.data/test-durations.txt';
const SLOWEST_SHOWN = 15;

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
    const slowest = fileDurations(testModules);
    writeFileSync(DURATIONS_FILE, slowest.join('\n') + '\n');
    process.stdout.write(`\nSlowest test files:\n${slowest.slice(0, SLOWEST_SHOWN).join('\n')}\n`);
    process.stdout.write(`\n${summary}\n`);
  }
}

/** "  123.4 s  path" lines, slowest first; a file's duration is its tests' and hooks' wall time. */
function fileDurations(testModules: ReadonlyArray<TestModule>): string[] {
  return testModules
    .map((mod) => ({ id: path.relative(process.cwd(), mod.moduleId), ms: mod.diagnostic().duration }))
    .sort((a, b) => b.ms - a.ms)
    .map(({ id, ms }) => `${(ms / 1000).toFixed(1).padStart(7)} s  ${id}`);
}

function firstLine(message: string | undefined): string {
  return (message ?? 'no error message').split('\n')[0]!.slice(0, 300);
}
