import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'stage/**', 'rpm/_build/**', '**/*.mjs', '**/*.cjs', 'vitest.config.ts'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    // The system boundary: only lib/system may spawn processes or touch files.
    files: ['agents/**/*.ts', 'lib/ocf/**/*.ts', 'lib/*/**/*.ts'],
    ignores: ['lib/system/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['execa', 'fs-extra', 'node:child_process', 'child_process', 'node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({ name, message: 'System access belongs behind lib/system (the System interface).' })),
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
