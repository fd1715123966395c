/**
 * The suite checking itself and the backend's coverage of the contract: every required kernel is
 * registered, every kernel of `ALL_KERNELS` has tests here, and every skip names a real test.
 */
import { ALL_KERNELS, OPTIONAL_KERNELS, hasKernel, registeredGradients } from '@parvus/core';
import { expect } from 'vitest';
import type { Suite } from './suite.js';

export function registerKernelRegistrationTests(suite: Suite): void {
  for (const name of ALL_KERNELS.filter((k) => !OPTIONAL_KERNELS.includes(k))) {
    suite.test(`${name}/registered`, ({ backend }) => {
      expect(hasKernel(name, backend.name), `kernel '${name}' is registered for backend '${backend.name}'`).toBe(true);
    });
  }
}

/** Registered last: they read the complete list of ids. */
export function registerSuiteSelfChecks(suite: Suite, skips: Readonly<Record<string, string>>): void {
  suite.test('Suite/every-kernel-has-tests', () => {
    // A kernel added to the contract fails here until the suite tests it.
    const untested = ALL_KERNELS.filter((k) => !suite.ids.some((id) => id.startsWith(`${k}/`) && id !== `${k}/registered`));
    expect(untested, 'kernels of ALL_KERNELS without conformance tests').toEqual([]);
  });

  suite.test('Suite/every-gradient-has-tests', () => {
    // Cast's gradient is unreachable: core never dispatches a float32 → float32 cast, integer and
    // bool tensors cannot require grad, and integer outputs are not recorded.
    const untested = registeredGradients().filter((k) => k !== 'Cast' && !suite.ids.some((id) => id.startsWith(`${k}/grad`)));
    expect(untested, 'gradients registered in core without a gradient check').toEqual([]);
  });

  registerSkipSelfCheck(suite, skips);
}

/** Every skip names a registered test. Registered last: it reads the complete list of ids. */
export function registerSkipSelfCheck(suite: Suite, skips: Readonly<Record<string, string>>): void {
  suite.test('Suite/skips-name-existing-tests', () => {
    // A misspelt skip would silently run (and fail) the test it meant, or hide a stale entry.
    const unknown = Object.keys(skips).filter((id) => !suite.has(id));
    expect(unknown, 'skip ids that match no test').toEqual([]);
  });
}
