import { defineConfig } from 'vitest/config';

/**
 * The workspace's vitest defaults. Tests run in forked processes (typed-array heavy kernels are
 * faster outside worker threads) and one file at a time per core, since CI has two.
 */
export function parvusVitestConfig(overrides = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: process.env.CI ? ['default'] : ['default'],
      ...overrides,
    },
  });
}
