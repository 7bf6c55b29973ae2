import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// The layers under lib/, lowest first; every other directory of lib/ is one agent's logic.
const LAYERS = ['system', 'ocf', 'host', 'util'];
const AGENT_LIBS = readdirSync(new URL('./lib', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !LAYERS.includes(d.name))
  .map((d) => d.name);

// The system boundary: only lib/system may spawn processes or touch files.
const SYSTEM_ONLY = ['execa', 'fs-extra', 'node:child_process', 'child_process', 'node:fs', 'fs', 'node:fs/promises', 'fs/promises']
  .map((name) => ({ name, message: 'System access belongs behind lib/system (the System interface).' }));

// Imports of other agents' logic, as seen from lib/<dir>/.
const otherAgents = (dir) => AGENT_LIBS.filter((a) => a !== dir).map((a) => ({
  group: [`../${a}/*`, `../../lib/${a}/*`],
  message: `lib/${dir} must not import lib/${a}: shared logic belongs in lib/host (or lib/ocf).`,
}));

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
    files: ['agents/**/*.ts', 'lib/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: SYSTEM_ONLY }] },
  },
  // Layer rules: an agent's logic never imports another agent's; the shared layers import no
  // agent's logic.
  ...[...AGENT_LIBS, 'ocf', 'host', 'util'].map((dir) => ({
    files: [`lib/${dir}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: SYSTEM_ONLY, patterns: otherAgents(dir) }] },
  })),
  {
    // lib/system is the lowest layer: it imports nothing of the project outside itself.
    files: ['lib/system/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '../**'], message: 'lib/system imports no layer above it (lib/ocf, lib/host, agents).' }],
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
