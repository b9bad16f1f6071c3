// Lint = style + the layer map (architecture.md): imports point down only, and environments stay apart.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const NODE_ONLY = [
  'node:*',
  'better-sqlite3',
  '@tensorflow/*',
  'electron',
  'fs',
  'path',
  'os',
  'worker_threads',
  'child_process',
];

/** Builds a no-restricted-imports rule from forbidden module patterns, each with the reason shown on violation. */
const forbid = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];

const deepLayerImports = (from) =>
  ['store', 'datasets', 'learner', 'samplers', 'exports', 'loop', 'app']
    .filter((layer) => layer !== from)
    .map((layer) => [
      [`../${layer}/*`, `!../${layer}/node`, `../../${layer}/*`, `!../../${layer}/node`],
      `import ${layer} through its index.ts`,
    ]);

/** The exports layer sits beside store/datasets/learner/samplers: it imports only src/shared; app composes them. */
const EXPORTS_IMPORT_ONLY_SHARED = [
  [
    [
      '**/store',
      '**/store/*',
      '**/datasets',
      '**/datasets/*',
      '**/learner',
      '**/learner/*',
      '**/samplers',
      '**/samplers/*',
    ],
    'exports import only src/shared; the app composes layers',
  ],
  [
    ['**/app', '**/app/*', '**/shells/*', '**/renderer/*', '**/preload/*'],
    'lower layers never import app, shells or UI',
  ],
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'docs/**', 'test-results/**', '**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: globals.browser,
    },
  },
  {
    files: ['src/shared/**', 'src/main/samplers/**/*.ts'],
    ignores: ['src/main/samplers/node/**'],
    rules: {
      'no-restricted-imports': forbid(
        [NODE_ONLY, 'pure code: no Node, native or TF imports'],
        [['**/main/*', '../*/store*'], 'pure code imports only src/shared'],
      ),
    },
  },
  {
    files: ['src/main/exports/formats/**', 'src/main/exports/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [NODE_ONLY, 'pure export code: file writing belongs in exports/node'],
        ...EXPORTS_IMPORT_ONLY_SHARED,
      ),
    },
  },
  {
    files: ['src/main/exports/node/**'],
    rules: {
      'no-restricted-imports': forbid(...EXPORTS_IMPORT_ONLY_SHARED, [
        ['electron'],
        'only shells/electron imports electron',
      ]),
    },
  },
  {
    files: [
      'src/main/datasets/formats/**',
      'src/main/datasets/synth/**',
      'src/main/datasets/synth-rgb/**',
      'src/main/datasets/preprocess/**',
    ],
    rules: {
      'no-restricted-imports': forbid([NODE_ONLY, 'pure dataset code: file access belongs in datasets/node']),
    },
  },
  {
    files: ['src/main/store/**', 'src/main/datasets/**', 'src/main/learner/**', 'src/main/samplers/**'],
    rules: {
      'no-restricted-imports': forbid(
        [
          ['**/app', '**/app/*', '**/loop', '**/loop/*', '**/shells/*', '**/renderer/*', '**/preload/*'],
          'lower layers never import loop, app, shells or UI',
        ],
        [['electron'], 'only shells/electron imports electron'],
      ),
    },
  },
  // The learning loop sits between app and the layers it drives (learner, samplers, datasets, store, shared); its
  // two modality pipelines share code only through loop/common, never sideways.
  ...[
    ['src/main/loop/**', []],
    ['src/main/loop/depth/**', [[['../rgb', '../rgb/*'], 'depth and rgb share code through loop/common']]],
    ['src/main/loop/rgb/**', [[['../depth', '../depth/*'], 'depth and rgb share code through loop/common']]],
  ].map(([files, sideways]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': forbid(
        [
          [
            '**/app',
            '**/app/*',
            '**/shells/*',
            '**/renderer/*',
            '**/preload/*',
            '**/exports',
            '**/exports/*',
          ],
          'loop imports only learner, samplers, datasets, store and shared; never app, shells, exports or UI',
        ],
        [['electron'], 'only shells/electron imports electron'],
        ...deepLayerImports('loop'),
        ...sideways,
      ),
    },
  })),
  {
    files: ['src/main/app/**'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/shells/*', '**/renderer/*', '**/preload/*'], 'app never imports shells or UI'],
        [['electron'], 'only shells/electron imports electron'],
        ...deepLayerImports('app'),
      ),
    },
  },
  {
    files: ['src/main/shells/cli/**', 'src/main/shells/http/**', 'src/main/shells/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['electron'], 'only shells/electron imports electron'],
        [['**/renderer/*'], 'shells serve the built renderer, never import it'],
      ),
    },
  },
  {
    files: ['src/main/shells/electron/**'],
    rules: {
      'no-restricted-imports': forbid([
        ['**/renderer/*', '**/preload/*'],
        'the window shell shares only src/shared with the preload and the renderer',
      ]),
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': forbid(
        [NODE_ONLY, 'the renderer runs in a browser sandbox'],
        [['**/main/*', '../../main/*'], 'the renderer talks to main only through the API client'],
      ),
    },
  },
);
