import { parvusVitestConfig } from '@parvus/vitest-config';

export default parvusVitestConfig();
