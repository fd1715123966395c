/** Where, Clip and Cast: selections and conversions, all compared exactly. */
import type { DType, Tensor } from '@parvus/core';
import { cast, clamp, where } from '@parvus/core';
import { expectExact } from '../expect.js';
import { as64, bool, f32, i32, run1 } from '../harness.js';
import type { Input } from '../harness.js';
import { array64, castToBool, castToFloat32, castToInt32, clipArray, where as where64 } from '../oracle64/index.js';
import type { Suite } from '../suite.js';

async function checkWhere(c: Input, a: Input, b: Input, what: string): Promise<void> {
  const y = await run1([c, a, b], (tc, ta, tb) => where(tc as Tensor, ta as Tensor, tb as Tensor));
  expectExact(y, where64(as64(c), as64(a), as64(b)), a.dtype, what);
}

export function registerSelectionKernelTests(suite: Suite): void {
  suite.test('Where/same-shape', async ({ random }) => {
    await checkWhere(bool([3, 4], random.bools(12)), f32([3, 4], random.floats(12)), f32([3, 4], random.floats(12)), 'where of [3, 4]');
  });

  suite.test('Where/broadcast', async ({ random }) => {
    await checkWhere(bool([2, 1, 3], random.bools(6)), f32([4, 1], random.floats(4)), f32([], random.floats(1)), 'where of [2, 1, 3], [4, 1], []');
    await checkWhere(bool([], [1]), f32([2, 3], random.floats(6)), f32([3, 1, 1], random.floats(3)), 'where of [], [2, 3], [3, 1, 1]');
  });

  suite.test('Where/unselected-nan-does-not-leak', async () => {
    // A backend computing c·a + (1 − c)·b returns NaN here; where must select, not blend.
    const c = bool([4], [1, 0, 1, 0]);
    await checkWhere(c, f32([4], [1, NaN, Infinity, -Infinity]), f32([4], [NaN, 2, -Infinity, -0]), 'where with NaN and Inf in the unselected operand');
  });

  suite.test('Where/signed-zeros', async () => {
    // The selected zero keeps its sign from either operand (a backend that blends or adds +0 loses it).
    const c = bool([6], [1, 0, 1, 0, 1, 0]);
    await checkWhere(c, f32([6], [-0, 0, 0, -0, -0, 1]), f32([6], [0, -0, -0, 0, 1, -0]), 'where choosing between +0 and −0');
    await checkWhere(bool([2], [1, 0]), f32([], [-0]), f32([], [-0]), 'where of broadcast −0 operands');
  });

  suite.test('Where/int32', async ({ random }) => {
    await checkWhere(bool([2, 3], random.bools(6)), i32([2, 3], random.ints(6, -100, 100)), i32([3], random.ints(3, -100, 100)), 'where of int32');
  });

  suite.test('Where/bool', async ({ random }) => {
    await checkWhere(bool([2, 3], random.bools(6)), bool([2, 3], random.bools(6)), bool([1, 3], random.bools(3)), 'where of bool');
  });

  suite.test('Where/empty', async () => {
    await checkWhere(bool([0, 3], []), f32([1, 3], [1, 2, 3]), f32([], [0]), 'where of [0, 3]');
  });

  const clipCases: Array<[string, number, number]> = [['both-bounds', -0.5, 0.75], ['lower-only', -0.25, Infinity], ['upper-only', -Infinity, 0.5]];
  for (const [label, lo, hi] of clipCases) {
    suite.test(`Clip/${label}`, async ({ random }) => {
      const x = f32([4, 5], random.floats(20, -2, 2));
      const y = await run1([x], (t) => clamp(t, Number.isFinite(lo) ? lo : null, Number.isFinite(hi) ? hi : null));
      expectExact(y, clipArray(as64(x), lo, hi), 'float32', `clamp to [${lo}, ${hi}]`);
    });
  }

  suite.test('Clip/special-values', async () => {
    // NaN stays NaN (torch.clamp); infinities clip to the bounds; bounds themselves pass unchanged.
    const values = [NaN, Infinity, -Infinity, -1, 1, 0.5, -0.5, 3];
    const x = f32([values.length], values);
    const y = await run1([x], (t) => clamp(t, -1, 1));
    expectExact(y, array64([values.length], [NaN, 1, -1, -1, 1, 0.5, -0.5, 1]), 'float32', 'clamp(x, -1, 1) of NaN and ±Inf');
  });

  suite.test('Clip/int32', async ({ random }) => {
    const x = i32([3, 4], random.ints(12, -50, 50));
    const y = await run1([x], (t) => clamp(t, -10, 20));
    expectExact(y, clipArray(as64(x), -10, 20), 'int32', 'clamp of int32 to [-10, 20]');
  });

  suite.test('Clip/empty', async () => {
    const y = await run1([f32([2, 0], [])], (t) => clamp(t, 0, 1));
    expectExact(y, array64([2, 0]), 'float32', 'clamp of [2, 0]');
  });

  const castCases: Array<{ id: string; from: DType; to: DType; values: number[] }> = [
    // toward zero; 2^31 − 128 is the largest float32 below 2^31
    { id: 'float32-to-int32', from: 'float32', to: 'int32', values: [0, -0, 0.5, -0.5, 1.7, -1.7, 2.5, -2.5, 1e6 + 0.5, -3e6 - 0.25, 2147483520, -2147483648, 16777217 - 1] },
    // anything non-zero is true, NaN and -0 included/excluded as in torch
    { id: 'float32-to-bool', from: 'float32', to: 'bool', values: [0, -0, NaN, Infinity, -Infinity, Math.fround(1e-30), -1, 0.5] },
    // 16777217 = 2^24 + 1 is not a float32: it rounds to even (16777216)
    { id: 'int32-to-float32', from: 'int32', to: 'float32', values: [0, 1, -1, 16777217, 16777219, -16777217, 2147483647, -2147483648, 123456789] },
    { id: 'int32-to-bool', from: 'int32', to: 'bool', values: [0, 1, -1, 2147483647, -2147483648, 2] },
    { id: 'bool-to-float32', from: 'bool', to: 'float32', values: [0, 1, 1, 0] },
    { id: 'bool-to-int32', from: 'bool', to: 'int32', values: [1, 0, 0, 1] },
  ];
  for (const { id, from, to, values } of castCases) {
    suite.test(`Cast/${id}`, async () => {
      const input = from === 'float32' ? f32([values.length], values.map(Math.fround)) : from === 'int32' ? i32([values.length], values) : bool([values.length], values);
      const y = await run1([input], (t) => cast(t, to));
      const oracle = to === 'int32' ? castToInt32 : to === 'bool' ? castToBool : castToFloat32;
      expectExact(y, oracle(as64(input)), to, `cast ${from} → ${to}`);
    });
  }

  suite.test('Cast/empty', async () => {
    const y = await run1([f32([0, 4], [])], (t) => cast(t, 'int32'));
    expectExact(y, array64([0, 4]), 'int32', 'cast of [0, 4]');
  });
}
