// Lint rules: the recommended sets of ESLint and typescript-eslint, the project's import discipline, and the type-aware
// rules about promises, switches and assertions on every TypeScript file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'bench/results/', 'test/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' },
      ],
      // Kysely's values come from one module, src/store/kysely.ts, so the store has a single door to it.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kysely',
              allowTypeImports: true,
              message: "Import Kysely's values (sql, Kysely, dialects) from src/store/kysely.ts.",
            },
          ],
        },
      ],
    },
  },
  // Type-aware: a promise is awaited or handled, never passed where a plain function or value is expected; a switch
  // over a union names every member (or has a default); no assertion restates the type already known.
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  { files: ['src/store/kysely.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
  // The demo's entry builds the environment of the server process it starts; a probe agent has its own config; the build
  // starts the built server to train its code cache, and the bundle's loader (src/boot.ts) runs before any config.
  {
    files: [
      'src/config.ts',
      'src/agents/config.ts',
      'src/demo/run.ts',
      'src/boot.ts',
      'scripts/**',
      'test/**',
      'bench/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
);
