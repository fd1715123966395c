/**
 * A chosen subset of the Brevitas module-case files, run on their own, bit for bit or within one
 * quantization step: what `describeBrevitasQuantizerFixtures` registers. Test ids are those of the
 * whole suite ('Brevitas/act_quantizers/<case>'), so a skip list reads the same in both.
 */
import { expect } from 'vitest';
import type { Suite } from '../suite.js';
import type { FixtureQuantTensor } from './fixtures.js';
import type { QuantTensorSnapshot } from './compare.js';
import { Mismatches } from './compare.js';
import type { FixtureComparison } from './module-cases.js';
import { registerModuleCaseFile } from './module-cases.js';
import { ONE_STEP, hostIntegers } from './one-step.js';

/** The fixture files made of module cases (build, set parameters, run steps, compare). */
export type ModuleCaseFixtureFile = 'act_quantizers.json' | 'activation_layers.json' | 'weight_quantizers.json' | 'bias_quant.json' | 'layers.json';

/** The quantizer fixtures: activation, weight and bias quantizers. */
export const QUANTIZER_FIXTURE_FILES: readonly ModuleCaseFixtureFile[] = ['act_quantizers.json', 'weight_quantizers.json', 'bias_quant.json'];

export function registerQuantizerFixtureTests(suite: Suite, files: readonly ModuleCaseFixtureFile[], comparison: FixtureComparison): void {
  for (const file of files) registerModuleCaseFile(suite, file, comparison);
}

/** A QuantTensor snapshot as a backend would return it, integers computed on the host. */
function snapshot(values: readonly number[], scale: number, bitWidth = 8): QuantTensorSnapshot {
  const host = (v: readonly number[], shape: readonly number[]) => ({ shape, dtype: 'float32' as const, values: Float32Array.from(v) });
  const value = host(values, [values.length]);
  const fields = { value, scale: host([scale], []), zeroPoint: host([0], []), bitWidth: host([bitWidth], []) };
  return { kind: 'IntQuantTensor', ...fields, signed: true, training: true, ...hostIntegers(fields.value, fields.scale, fields.zeroPoint, fields.bitWidth, true) };
}

/**
 * The one-step comparison on made-up values: it passes what it states (a code one step away, a
 * scale within ρ) and fails what it does not (two steps, a scale 4ρ off, another bit width).
 */
export function registerOneStepSelfCheck(suite: Suite): void {
  suite.test('Suite/one-step-comparison-states-its-bounds', () => {
    const tensor = (data: readonly number[], dtype: 'float32' | 'int64' = 'float32') => ({ dtype, shape: data.length === 1 ? [] : [data.length], data });
    const expected: FixtureQuantTensor = {
      kind: 'IntQuantTensor',
      value: tensor([-1, 0, 0.5, 1.5]),
      scale: tensor([0.5]),
      zero_point: tensor([0]),
      bit_width: tensor([8]),
      signed: true,
      training: true,
      is_valid: true,
      int_value: { dtype: 'int64', shape: [4], data: [-2, 0, 1, 3] },
    };
    const count = (actual: QuantTensorSnapshot): number => {
      const m = new Mismatches('self-check', ONE_STEP);
      m.value(actual, expected, 'output');
      return m.count;
    };
    expect(count(snapshot([-1, 0, 0.5, 1.5], 0.5)), 'identical').toBe(0);
    expect(count(snapshot([-1, 0, 1, 1.5], 0.5)), 'one code one step away').toBe(0);
    expect(count(snapshot([-1, 0, 0.5, 1.5].map((v) => v * (1 + ONE_STEP.rtol / 2)), 0.5 * (1 + ONE_STEP.rtol / 2))), 'scale within ρ').toBe(0);
    expect(count(snapshot([-1, 0, 1.5, 1.5], 0.5)), 'a code two steps away').toBeGreaterThan(0);
    expect(count(snapshot([-1, 0, 0.5, 1.5], 0.5 * (1 + 4 * ONE_STEP.rtol))), 'scale 4ρ off').toBeGreaterThan(0);
    expect(count(snapshot([-1, 0, 0.5, 1.5], 0.5, 7)), 'another bit width').toBeGreaterThan(0);
    expect(count(snapshot([-1, 0, 0.5, 1.75], 0.5)), 'a value off the grid (not valid)').toBeGreaterThan(0);
  });
}
