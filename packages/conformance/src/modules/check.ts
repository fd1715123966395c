/**
 * Helpers of the module-level checks: parameters from exact values, reading tensors back
 * asynchronously (backends without readSync run these checks too), and comparisons with values
 * computed by hand in float64.
 */
import type { Tensor } from '@parvus/core';
import { memory, parameter, tensor } from '@parvus/core';
import { expectGradient } from '../expect.js';
import type { Result } from '../expect.js';
import { read } from '../harness.js';
import { array64 } from '../oracle64/index.js';

export { read };

/** A leaf parameter holding `values` (float32). */
export function newParameter(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  const value = tensor(Float32Array.from(values), shape);
  const p = parameter(value);
  if (p !== value) value.dispose(); // a view: the parameter holds the storage
  return p;
}

/**
 * |actual − expected| ≤ rtol · scale element-wise, where `scale` is the largest |expected| (or the
 * given per-element magnitude, when larger): a float32 computation of a few operations per element
 * against its float64 value. It is `expectGradient` with atol 0, on plain arrays of `actual`'s shape.
 */
export function expectNear(actual: Result, expected: ArrayLike<number>, rtol: number, what: string, magnitude?: ArrayLike<number>): void {
  expectGradient(actual, array64(actual.shape, expected), { rtol, atol: 0 }, what, magnitude && array64(actual.shape, magnitude));
}

/** The live tensor count (engine side). */
export function liveTensors(): number {
  return memory().numTensors;
}

/** Run `body`, then require the live tensor count to be back where it was. */
export async function withoutLeaks(what: string, body: () => Promise<void>): Promise<void> {
  const before = liveTensors();
  await body();
  const after = liveTensors();
  if (after !== before) throw new Error(`${what}: ${after - before} tensors are still live after disposing everything`);
}
