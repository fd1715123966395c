/** Transpose, Concat, Slice and Pad: data movement, compared bit for bit (signed zeros and NaN included). */
import type { DType, Tensor } from '@parvus/core';
import { concat, engine, kernels, pad, permute, slice } from '@parvus/core';
import { expectExact } from '../expect.js';
import type { Input } from '../harness.js';
import { as64, bool, f32, i32, run1 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Random } from '../random.js';
import type { Suite } from '../suite.js';

/** Random values of a dtype; float32 ones include -0 and NaN so that a lossy copy shows. */
function values(dtype: DType, shape: readonly number[], random: Random): Input {
  const size = o.sizeOfShape(shape);
  if (dtype === 'int32') return i32(shape, random.ints(size, -1 << 30, 1 << 30));
  if (dtype === 'bool') return bool(shape, random.bools(size));
  const data = random.floats(size, -4, 4);
  if (size > 2) {
    data[0] = -0;
    data[size - 1] = NaN;
  }
  return f32(shape, data);
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

async function checkTranspose(x: Input, perm: number[], what: string): Promise<void> {
  const y = await run1([x], (t) => permute(t, perm));
  expectExact(y, o.transpose(as64(x), perm), x.dtype, what);
}

export function registerLayoutKernelTests(suite: Suite): void {
  // --- Transpose ---------------------------------------------------------------------------
  suite.test('Transpose/rank-2', async ({ random }) => {
    await checkTranspose(values('float32', [5, 7], random), [1, 0], 'transpose of [5, 7]');
  });

  suite.test('Transpose/rank-3-every-permutation', async ({ random }) => {
    const x = values('float32', [2, 3, 4], random);
    for (const perm of permutations(3)) {
      if (perm.every((p, i) => p === i)) continue;
      await checkTranspose(x, perm, `permute [${perm.join(', ')}] of [2, 3, 4]`);
    }
  });

  suite.test('Transpose/rank-4-nchw-nhwc', async ({ random }) => {
    const x = values('float32', [2, 3, 4, 5], random);
    await checkTranspose(x, [0, 2, 3, 1], 'NCHW → NHWC');
    await checkTranspose(x, [3, 1, 0, 2], 'permute [3, 1, 0, 2]');
  });

  suite.test('Transpose/size-one-and-empty', async ({ random }) => {
    await checkTranspose(values('float32', [1, 4, 1], random), [2, 0, 1], 'permute of [1, 4, 1]');
    await checkTranspose(values('float32', [0, 3], random), [1, 0], 'transpose of [0, 3]');
  });

  for (const dtype of ['int32', 'bool'] as const) {
    suite.test(`Transpose/${dtype}`, async ({ random }) => {
      await checkTranspose(values(dtype, [3, 4, 2], random), [2, 0, 1], `permute of ${dtype}`);
    });
  }

  // --- Concat ------------------------------------------------------------------------------
  const concatCases: Array<[string, number[][], number]> = [
    ['axis-0', [[2, 3], [4, 3]], 0],
    ['axis-1', [[2, 3, 2], [2, 1, 2], [2, 4, 2]], 1],
    ['last-axis', [[3, 2], [3, 5], [3, 1], [3, 2]], 1],
    ['empty-piece', [[2, 0, 3], [2, 2, 3], [2, 0, 3]], 1],
    ['size-one-pieces', [[1], [1], [1]], 0],
  ];
  for (const [label, shapes, axis] of concatCases) {
    suite.test(`Concat/${label}`, async ({ random }) => {
      const xs = shapes.map((s) => values('float32', s, random));
      const y = await run1(xs, (...ts) => concat(ts, axis));
      expectExact(y, o.concat(xs.map(as64), axis), 'float32', `concat of ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} on axis ${axis}`);
    });
  }

  suite.test('Concat/single-input', async ({ random }) => {
    // core never dispatches a single-input concat; the contract allows it (≥ 1 input).
    const x = values('float32', [2, 3], random);
    const y = await run1([x], (t) => engine().runKernel(kernels.Concat, [t], { axis: 1 }));
    expectExact(y, as64(x), 'float32', 'concat of one tensor');
  });

  for (const dtype of ['int32', 'bool'] as const) {
    suite.test(`Concat/${dtype}`, async ({ random }) => {
      const xs = [values(dtype, [2, 3], random), values(dtype, [2, 1], random)];
      const y = await run1(xs, (a, b) => concat([a as Tensor, b as Tensor], 1));
      expectExact(y, o.concat(xs.map(as64), 1), dtype, `concat of ${dtype}`);
    });
  }

  // --- Slice -------------------------------------------------------------------------------
  const sliceCases: Array<[string, number[], number[], number[]]> = [
    ['box', [4, 5, 6], [1, 2, 3], [2, 3, 2]],
    ['one-axis', [4, 5], [0, 1], [4, 3]],
    ['single-element', [3, 3, 3], [2, 0, 1], [1, 1, 1]],
    ['empty', [4, 5], [2, 1], [0, 3]],
    ['rank-1', [10], [3], [6]],
  ];
  for (const [label, shape, begin, size] of sliceCases) {
    suite.test(`Slice/${label}`, async ({ random }) => {
      const x = values('float32', shape, random);
      const y = await run1([x], (t) => slice(t, begin, size));
      expectExact(y, o.slice(as64(x), begin, size), 'float32', `slice [${begin.join(', ')}] + [${size.join(', ')}] of [${shape.join(', ')}]`);
    });
  }

  for (const dtype of ['int32', 'bool'] as const) {
    suite.test(`Slice/${dtype}`, async ({ random }) => {
      const x = values(dtype, [4, 5], random);
      const y = await run1([x], (t) => slice(t, [1, 2], [2, 2]));
      expectExact(y, o.slice(as64(x), [1, 2], [2, 2]), dtype, `slice of ${dtype}`);
    });
  }

  // --- Pad ---------------------------------------------------------------------------------
  const padCases: Array<[string, number[], Array<[number, number]>, number]> = [
    ['asymmetric', [2, 3, 4], [[0, 1], [2, 0], [1, 3]], 0],
    ['nchw-spatial', [1, 2, 3, 3], [[0, 0], [0, 0], [1, 1], [2, 2]], 0],
    ['constant-value', [3, 2], [[1, 2], [0, 1]], 1.5],
    ['negative-infinity', [2, 2], [[1, 1], [1, 1]], -Infinity],
    ['empty-input', [0, 2], [[1, 1], [0, 0]], 7],
  ];
  for (const [label, shape, paddings, constantValue] of padCases) {
    suite.test(`Pad/${label}`, async ({ random }) => {
      const x = values('float32', shape, random);
      const y = await run1([x], (t) => pad(t, paddings, constantValue));
      expectExact(y, o.pad(as64(x), paddings, constantValue), 'float32', `pad ${JSON.stringify(paddings)} with ${constantValue}`);
    });
  }

  suite.test('Pad/int32', async ({ random }) => {
    const x = values('int32', [2, 3], random);
    const y = await run1([x], (t) => pad(t, [[1, 0], [0, 2]], 7));
    expectExact(y, o.pad(as64(x), [[1, 0], [0, 2]], 7), 'int32', 'pad of int32 with 7');
  });
}
