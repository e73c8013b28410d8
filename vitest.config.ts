// Vitest projects: fast unit tests next to the code, and integration tests that spawn real nodes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['internal/**/*.test.ts', 'cmd/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'dist/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'dist/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration files each spawn real processes; keep the 2-core CI machine unsaturated.
          fileParallelism: false,
        },
      },
    ],
  },
});
