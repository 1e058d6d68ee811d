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

// Workflow code (workflows/, and domain/ which it imports) runs in the sandbox.
const sandboxed = new Set(['workflows', 'domain']);
const sandboxPaths = [
  ...nodeBuiltins.map((name) => ({ name, message: `Node built-in "${name}": ${sandboxMessage}` })),
  ...ioLibraries
    .filter((name) => !name.includes('*'))
    .map((name) => ({ name, message: `I/O library "${name}": ${sandboxMessage}`, allowTypeImports: true })),
];
const sandboxPatterns = [
  { group: ['node:*'], message: `Node built-ins: ${sandboxMessage}` },
  { group: nodeBuiltins.map((name) => `${name}/*`), message: `Node built-ins: ${sandboxMessage}` },
  {
    group: ioLibraries.map((name) => (name.includes('*') ? name : `${name}/*`)),
    message: `I/O libraries: ${sandboxMessage}`,
    allowTypeImports: true,
  },
];

/**
 * The import rule, folder by folder: `imports` may be imported, `types` only with `import type` (a
 * workflow's interface: its messages modules are imported as values by the client layer that signals
 * it). A folder imports its own files freely; tests/ imports anything.
 */
const layers = {
  domain: { imports: [] },
  config: { imports: ['domain'] },
  security: { imports: ['config', 'domain'] },
  reports: { imports: ['domain'] },
  workflows: { imports: ['domain'], types: ['activities', 'exercises'] },
  activities: { imports: ['domain', 'security', 'reports', 'config'] },
  client: { imports: ['domain', 'security', 'config', 'workflows/*messages.js'], types: ['workflows', 'activities'] },
  exercises: {
    imports: ['client', 'domain', 'security', 'config', 'reports'],
    types: ['workflows', 'activities'],
  },
  pages: { imports: ['client', 'domain', 'security', 'config', 'reports', 'exercises'], types: ['workflows'] },
  api: { imports: ['pages', 'client', 'domain', 'security', 'config', 'reports', 'exercises'], types: ['workflows'] },
  cli: { imports: ['client', 'domain', 'security', 'config', 'reports', 'exercises'], types: ['workflows'] },
  workers: { imports: ['activities', 'client', 'domain', 'security', 'config', 'exercises'], types: ['workflows'] },
};
const projectFolders = [...Object.keys(layers), 'scripts', 'tests'];
const importRule = 'the import rule (README "Find your way around"; eslint.config.js `layers`)';

function boundaryPatterns(folder, imports, types) {
  const folderOf = (entry) => entry.split('/')[0];
  const refused = projectFolders.filter(
    (other) => other !== folder && !imports.some((entry) => entry === other) && !types.includes(other),
  );
  // A module named inside an allowed entry (`workflows/*messages.js`) is let through the folder's refusal.
  const exceptions = imports.filter((entry) => entry.includes('/')).map((entry) => `!**/${entry}`);
  const patterns = [];
  const valuesRefused = refused.filter((other) => !types.includes(other));
  if (valuesRefused.length)
    patterns.push({
      group: valuesRefused.flatMap((other) => [
        `**/${other}/**`,
        ...exceptions.filter((e) => folderOf(e.slice(4)) === other),
      ]),
      message: `${folder}/ does not import these folders: ${importRule}`,
    });
  if (types.length)
    patterns.push({
      group: types.flatMap((other) => [`**/${other}/**`, ...exceptions.filter((e) => folderOf(e.slice(4)) === other)]),
      message: `${folder}/ imports only types from ${types.join(', ')} (import type): ${importRule}`,
      allowTypeImports: true,
    });
  return patterns;
}

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
  // The import rule (README "Find your way around"): each folder imports only the folders listed for it
  // below, so arrows run down: front ends (api, pages, cli, workers; scripts above them all) → client →
  // domain, and workflows → domain and activity *types*. What a folder may import as a type only is
  // listed apart; everything else of the project's is refused, naming the rule.
  ...Object.entries(layers).map(([folder, { imports, types = [] }]) => ({
    files: [`${folder}/**/*.{ts,mts}`],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sandboxed.has(folder) ? sandboxPaths : [],
          patterns: [...(sandboxed.has(folder) ? sandboxPatterns : []), ...boundaryPatterns(folder, imports, types)],
        },
      ],
    },
  })),
  // Every wait goes through the gate module (workflows/gates.ts): only it says what the incident awaits.
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/gates.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='await']",
          message:
            'what the incident awaits is said by workflows/gates.ts only: wait through gate, timedGate, dueDate, hold or timedWait',
        },
      ],
    },
  },
  {
    files: ['tests/*/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: sandboxPaths, patterns: sandboxPatterns }],
    },
  },
);
