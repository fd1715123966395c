import { fileURLToPath } from 'node:url';
import { parvusVitestConfig } from '@parvus/vitest-config';

// Core cannot depend on a backend (the backend depends on core), so its tests reach the reference
// backend's built output through an alias; turbo builds it first (see turbo.json). Tests import
// core as '@parvus/core' (its own built output), so the backend and the tests share one engine.
export default parvusVitestConfig({
  alias: {
    '@parvus/backend-reference': fileURLToPath(new URL('../backend-reference/dist/index.js', import.meta.url)),
  },
});
