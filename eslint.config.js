import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '**/coverage/**', '**/test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Config is parsed once at startup; reading process.env elsewhere hides settings from validation.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read settings through the zod config (runtime/src/config.ts).',
        },
      ],
    },
  },
  {
    // The dashboard's browser code (.ts/.tsx, bundled by Vite): no Node globals there.
    files: ['apps/dashboard/web/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'browser code: Node globals do not exist in the page',
        })),
      ],
    },
  },
  {
    files: [
      '**/config.ts',
      '**/*-config.ts',
      '**/*.test.ts',
      '**/test/**',
      '**/bench/**',
      'infra/src/**',
      'scripts/**',
      'vitest.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
);
