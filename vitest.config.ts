import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/dist/**', '.data/**'];

export default defineConfig({
  test: {
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    // Two test files at a time. vitest ignores a project's own pool settings: this root value
    // decides (its default on 2 cores is 1). Integration files mostly wait on the services, so two
    // at a time took the CI suite from 1,457 s to 870 s (2026-12-06); every file uses its own
    // topics, groups, schemas and databases, and ports outside the ephemeral range.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts', '**/test/**/*.test.ts', 'apps/dashboard/web/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude,
          globalSetup: ['./scripts/integration-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
