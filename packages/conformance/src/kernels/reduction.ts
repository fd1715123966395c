/** Sum, Max, Min, ArgMax and KthValue, through core's ops, against oracle64. */
import { expect } from 'vitest';
import type { Tensor } from '@parvus/core';
import { argmax, kthValue, max, min, sum } from '@parvus/core';
import { expectClose, expectExact } from '../expect.js';
import { as64, bool, f32, i32, run, run1 } from '../harness.js';
import type { Input } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { CaseContext, Suite } from '../suite.js';

/** The number of elements each output of a reduction over `axes` adds up. */
function termsOf(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((p, a) => p * (shape[a] as number), 1);
}

async function checkSum(x: Input, axes: number[], keepDims: boolean, context: CaseContext, what: string): Promise<void> {
  const y = await run1([x], (t) => sum(t, axes, keepDims));
  const expected = o.sum(as64(x), axes, keepDims);
  if (x.dtype === 'float32') {
    const magnitude = o.sum(o.abs(as64(x)), axes, keepDims);
    expectClose(y, expected, context.tolerance.accumulation(termsOf(x.shape, axes)), what, magnitude);
  } else {
    expectExact(y, expected, 'int32', what);
  }
}

async function checkExtremum(kind: 'Max' | 'Min', x: Input, axes: number[], keepDims: boolean, what: string): Promise<void> {
  const op = kind === 'Max' ? max : min;
  const y = await run1([x], (t) => op(t, axes, keepDims));
  expectExact(y, (kind === 'Max' ? o.max : o.min)(as64(x), axes, keepDims), x.dtype, what);
}

async function checkArgMax(x: Input, axis: number, keepDims: boolean, what: string): Promise<void> {
  const y = await run1([x], (t) => argmax(t, axis, keepDims));
  expectExact(y, o.argmax(as64(x), axis, keepDims), 'int32', what);
}

async function checkKthValue(x: Input, k: number, axis: number, keepDims: boolean, what: string): Promise<void> {
  const [values, indices] = await run([x], (t) => {
    const r = kthValue(t, k, axis, keepDims);
    return [r.values, r.indices];
  });
  const expected = o.kthValue(as64(x), k, axis, keepDims);
  expectExact(values!, expected.values, x.dtype, `${what}: values`);
  expectExact(indices!, expected.indices, 'int32', `${what}: indices`);
}

const AXES_CASES: Array<[string, number[], boolean]> = [
  ['all-axes', [0, 1, 2], false],
  ['last-axis', [2], false],
  ['first-axis-keepdims', [0], true],
  ['outer-axes-keepdims', [0, 2], true],
  ['middle-axis', [1], false],
];

export function registerReductionKernelTests(suite: Suite): void {
  // --- Sum ---------------------------------------------------------------------------------
  for (const [label, axes, keepDims] of AXES_CASES) {
    suite.test(`Sum/${label}`, async (context) => {
      const x = f32([3, 4, 5], context.random.floats(60, -2, 2));
      await checkSum(x, axes, keepDims, context, `sum over [${axes.join(', ')}] of [3, 4, 5]`);
    });
  }

  suite.test('Sum/no-axes-is-identity', async (context) => {
    const x = f32([2, 3], context.random.floats(6));
    await checkSum(x, [], false, context, 'sum over no axes');
  });

  suite.test('Sum/size-one-and-empty-axes', async (context) => {
    await checkSum(f32([1, 4, 1], context.random.floats(4)), [0, 2], false, context, 'sum over size-1 axes');
    await checkSum(f32([2, 0, 3], []), [1], false, context, 'sum over an empty axis (zeros)');
    await checkSum(f32([0, 3], []), [0, 1], false, context, 'sum of an empty tensor (0)');
    await checkSum(f32([0, 3], []), [1], true, context, 'sum over the non-empty axis of [0, 3]');
  });

  suite.test('Sum/int32', async (context) => {
    await checkSum(i32([3, 4, 5], context.random.ints(60, -100000, 100000)), [0, 2], false, context, 'sum of int32');
  });

  suite.test('Sum/bool-counts-as-int32', async (context) => {
    await checkSum(bool([4, 6], context.random.bools(24)), [1], false, context, 'sum of bool');
    await checkSum(bool([4, 6], context.random.bools(24)), [0, 1], true, context, 'sum of bool over all');
  });

  suite.test('Sum/large', async (context) => {
    const x = f32([1 << 20], context.random.floats(1 << 20, -1, 1));
    await checkSum(x, [0], false, context, 'sum of 2^20 elements');
    const rows = f32([256, 4096], context.random.floats(1 << 20, -1, 1));
    await checkSum(rows, [1], false, context, 'row sums of [256, 4096]');
  });

  // --- Max / Min ---------------------------------------------------------------------------
  for (const kind of ['Max', 'Min'] as const) {
    for (const [label, axes, keepDims] of AXES_CASES) {
      suite.test(`${kind}/${label}`, async ({ random }) => {
        await checkExtremum(kind, f32([3, 4, 5], random.floats(60, -2, 2)), axes, keepDims, `${kind} over [${axes.join(', ')}]`);
      });
    }

    suite.test(`${kind}/nan-propagates`, async () => {
      const x = f32([3, 4], [1, NaN, 3, 2, -Infinity, 5, Infinity, 0, 4, 4, NaN, NaN]);
      await checkExtremum(kind, x, [1], false, `${kind} over rows with NaN`);
      await checkExtremum(kind, x, [0], true, `${kind} over columns with NaN`);
      await checkExtremum(kind, x, [0, 1], false, `${kind} of all with NaN`);
    });

    suite.test(`${kind}/infinities`, async () => {
      await checkExtremum(kind, f32([2, 3], [-Infinity, -Infinity, -Infinity, Infinity, Infinity, Infinity]), [1], false, `${kind} of all-infinite rows`);
    });

    suite.test(`${kind}/int32`, async ({ random }) => {
      await checkExtremum(kind, i32([3, 4, 5], random.ints(60, -1000000, 1000000)), [0, 2], true, `${kind} of int32`);
    });

    suite.test(`${kind}/no-axes-and-empty`, async ({ random }) => {
      await checkExtremum(kind, f32([2, 3], random.floats(6)), [], false, `${kind} over no axes`);
      await checkExtremum(kind, f32([0, 3], []), [1], false, `${kind} over the non-empty axis of [0, 3]`);
      await checkExtremum(kind, f32([1, 1, 1], [7]), [0, 1, 2], false, `${kind} of one element`);
    });
  }

  // --- ArgMax ------------------------------------------------------------------------------
  for (const axis of [0, 1, 2]) {
    suite.test(`ArgMax/axis-${axis}`, async ({ random }) => {
      const x = f32([3, 4, 5], random.distinct(60));
      await checkArgMax(x, axis, false, `argmax along axis ${axis}`);
      await checkArgMax(x, axis, true, `argmax along axis ${axis}, keepDims`);
    });
  }

  suite.test('ArgMax/ties-pick-first', async () => {
    const x = f32([3, 4], [1, 3, 3, 2, 5, 5, 5, 5, -1, -2, -1, -3]);
    await checkArgMax(x, 1, false, 'argmax of rows with ties');
    await checkArgMax(x, 0, false, 'argmax of columns with ties');
  });

  suite.test('ArgMax/nan-is-the-maximum', async () => {
    const x = f32([3, 4], [1, NaN, 3, NaN, Infinity, 2, NaN, 0, -Infinity, -Infinity, -Infinity, -Infinity]);
    const y = await run1([x], (t) => argmax(t, 1));
    // Written out: the first NaN wins over everything; an all -Inf row picks its first element.
    expectExact(y, o.array64([3], [1, 2, 0]), 'int32', 'argmax with NaN');
    await checkArgMax(x, 0, false, 'argmax of columns with NaN');
  });

  suite.test('ArgMax/flattened', async ({ random }) => {
    const x = f32([3, 4, 5], random.distinct(60));
    const y = await run1([x], (t: Tensor) => argmax(t));
    expectExact(y, o.argmax(o.reshape64(as64(x), [60]), 0), 'int32', 'argmax of the flattened tensor');
  });

  suite.test('ArgMax/int32', async ({ random }) => {
    await checkArgMax(i32([4, 6], random.ints(24, -5, 5)), 1, false, 'argmax of int32 with ties');
  });

  // --- KthValue ----------------------------------------------------------------------------
  suite.test('KthValue/first-middle-last', async ({ random }) => {
    const x = f32([4, 7], random.distinct(28));
    for (const k of [1, 4, 7]) await checkKthValue(x, k, 1, false, `k=${k} of rows of 7`);
  });

  suite.test('KthValue/axes', async ({ random }) => {
    const x = f32([5, 4, 6], random.distinct(120));
    await checkKthValue(x, 3, 0, false, 'k=3 along axis 0');
    await checkKthValue(x, 2, 1, true, 'k=2 along axis 1, keepDims');
    await checkKthValue(x, 6, 2, false, 'k=6 along axis 2');
  });

  suite.test('KthValue/nan-sorts-last', async () => {
    const x = f32([2, 4], [3, NaN, 1, 2, NaN, -Infinity, 0, Infinity]);
    const cases: Array<[number, number[], number[]]> = [
      [3, [3, Infinity], [0, 3]],
      [4, [NaN, NaN], [1, 0]],
      [1, [1, -Infinity], [2, 1]],
    ];
    for (const [k, values, indices] of cases) {
      const [v, i] = await run([x], (t) => {
        const r = kthValue(t, k, 1);
        return [r.values, r.indices];
      });
      // Written out: NaN sorts above +Inf (torch.kthvalue).
      expectExact(v!, o.array64([2], values), 'float32', `k=${k} with NaN: values`);
      expectExact(i!, o.array64([2], indices), 'int32', `k=${k} with NaN: indices`);
    }
  });

  suite.test('KthValue/ties', async () => {
    // With ties the index must at least hold the value (KthValue/tie-index-as-torch pins which one).
    const x = f32([1, 6], [2, 1, 2, 1, 2, 3]);
    for (const k of [1, 2, 3, 4, 5, 6]) {
      const [v, i] = await run([x], (t) => {
        const r = kthValue(t, k, 1);
        return [r.values, r.indices];
      });
      const expected = [1, 1, 2, 2, 2, 3][k - 1] as number;
      expectExact(v!, o.array64([1], [expected]), 'float32', `k=${k} with ties: value`);
      const index = i!.values[0] as number;
      if (x.data[index] !== expected) throw new Error(`k=${k} with ties: index ${index} holds ${x.data[index]}, not ${expected}`);
    }
  });

  suite.test('KthValue/tie-index-as-torch', async () => {
    // Which of several equal values is returned decides where a gradient goes (Brevitas's
    // percentile statistics): the contract's index is torch's. Indices from torch 1.13's
    // torch.kthvalue on these rows, for k = 1…n.
    const cases: Array<[number[], number[]]> = [
      [[1, 2, 1, 0, 1, 0, 0], [5, 3, 6, 4, 0, 2, 1]],
      [[2, 1, 1, 1, NaN, 2, 2, 0, 1, NaN, 0, 2], [7, 10, 1, 3, 2, 8, 5, 0, 11, 6, 4, 9]],
    ];
    for (const [row, torchIndices] of cases) {
      const x = f32([row.length], row);
      const indices: number[] = [];
      for (let k = 1; k <= row.length; k++) {
        const [i] = await run([x], (t) => [kthValue(t, k, 0).indices]);
        indices.push(i!.values[0] as number);
      }
      expect(indices, `kthValue indices of [${row.join(', ')}] for k = 1…${row.length}`).toEqual(torchIndices);
    }
  });

  suite.test('KthValue/size-one-axis', async ({ random }) => {
    await checkKthValue(f32([3, 1], random.floats(3)), 1, 1, false, 'k=1 of rows of 1');
  });

  suite.test('KthValue/large', async ({ random }) => {
    // A percentile as Brevitas takes it: k = floor(0.01·q·N + 0.5) over a flattened tensor.
    const n = 1 << 16;
    const x = f32([n], random.distinct(n, -100, 100));
    await checkKthValue(x, Math.floor(0.01 * 99.999 * n + 0.5), 0, false, 'the 99.999th percentile of 2^16 values');
    await checkKthValue(x, Math.floor(0.01 * 0.001 * n + 0.5), 0, true, 'the 0.001th percentile of 2^16 values');
  });

  suite.test('KthValue/int32', async ({ random }) => {
    const x = i32([3, 5], random.shuffle(Array.from({ length: 15 }, (_, i) => 7 * i - 50)));
    await checkKthValue(x, 2, 1, false, 'k=2 of int32 rows');
  });
}
