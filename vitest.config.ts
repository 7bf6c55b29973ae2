import { defineConfig } from 'vitest/config';

// Unit tests need no root and no machine state; integration tests run real programs as root in
// sandboxes (they skip themselves, saying why, where root or a tool is missing).
export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 120000, hookTimeout: 120000, fileParallelism: false } },
    ],
  },
});
