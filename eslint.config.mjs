import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code must be deterministic: no Node built-ins, no I/O libraries, no activity implementations.
const bannedInWorkflows = [
  'fs',
  'path',
  'crypto',
  'http',
  'https',
  'net',
  'os',
  'child_process',
  'dns',
  'tls',
  'zlib',
  'stream',
  'worker_threads',
  'nodemailer',
  'kysely',
  'better-sqlite3',
  'pg',
  'fastify',
  'docx',
  'pdfkit',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
].flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedInWorkflows.map((name) => ({
            name,
            message: 'Workflow code must stay deterministic: no I/O here.',
          })),
          patterns: [
            { group: ['**/activities/*', '!**/activities/types'], message: 'Import activity types only.' },
            {
              group: ['**/store/**', '**/notifications/**', '**/documents/**', '**/api/**'],
              message: 'Workflows may import only src/domain and their own folder.',
            },
          ],
        },
      ],
    },
  },
);
