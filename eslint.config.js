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
