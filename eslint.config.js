// ESLint flat config. The rule that matters most: workflow code (workflows/ and the pure domain/ code
// they import) stays sandbox-safe by construction, so no Node built-ins and no I/O libraries there
// (docs/style.md 5). `npm run bundle-check` backs it up by bundling the workflows as the worker would.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const ioLibraries = [
  'nodemailer',
  'fastify',
  '@fastify/*',
  'smtp-server',
  'undici',
  'playwright-core',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '@temporalio/envconfig',
];
const sandboxMessage =
  'workflow code runs in the deterministic sandbox: do I/O in an activity (activities/) and call it through proxyActivities';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'tests/*/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: `Node built-in "${name}": ${sandboxMessage}` })),
            ...ioLibraries
              .filter((name) => !name.includes('*'))
              .map((name) => ({ name, message: `I/O library "${name}": ${sandboxMessage}`, allowTypeImports: true })),
          ],
          patterns: [
            { group: ['node:*'], message: `Node built-ins: ${sandboxMessage}` },
            { group: nodeBuiltins.map((name) => `${name}/*`), message: `Node built-ins: ${sandboxMessage}` },
            {
              group: ioLibraries.map((name) => (name.includes('*') ? name : `${name}/*`)),
              message: `I/O libraries: ${sandboxMessage}`,
              allowTypeImports: true,
            },
            {
              group: [
                '**/activities/*',
                '**/workers/*',
                '**/api/*',
                '**/pages/*',
                '**/cli/*',
                '**/client/*',
                '**/config/*',
                '**/security/*',
                '**/scripts/**',
                '**/exercises/*',
              ],
              message: 'workflow code imports activity *types* only (import type); the rest runs outside the sandbox',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
