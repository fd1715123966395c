/** Batched MatMul with transposes and broadcast batch dimensions, against oracle64. */
import { engine, kernels, matmul } from '@parvus/core';
import { expectClose } from '../expect.js';
import { as64, f32, run1 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';

interface MatMulCase {
  id: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  /** Through core's matmul (1-D operands); otherwise the kernel is called directly. */
  viaOp?: boolean;
}

const CASES: MatMulCase[] = [
  { id: 'square', a: [4, 4], b: [4, 4] },
  { id: 'rectangular', a: [3, 5], b: [5, 2] },
  { id: 'transpose-a', a: [5, 3], b: [5, 4], transposeA: true },
  { id: 'transpose-b', a: [3, 5], b: [4, 5], transposeB: true },
  { id: 'transpose-both', a: [5, 3], b: [4, 5], transposeA: true, transposeB: true },
  { id: 'batched', a: [2, 3, 4], b: [2, 4, 5] },
  { id: 'broadcast-batch', a: [2, 1, 3, 4], b: [5, 4, 6] },
  { id: 'rank-2-times-batched', a: [3, 4], b: [2, 4, 5], transposeB: false },
  { id: 'batched-transposes', a: [3, 6, 2], b: [1, 5, 6], transposeA: true, transposeB: true },
  { id: 'size-one-dims', a: [1, 1, 7], b: [1, 7, 1] },
  { id: 'inner-zero', a: [3, 0], b: [0, 4] },
  { id: 'outer-zero', a: [0, 3], b: [3, 4] },
  { id: 'deep', a: [4, 1024], b: [1024, 3] },
  { id: 'vector-times-matrix', a: [5], b: [5, 3], viaOp: true },
  { id: 'matrix-times-vector', a: [2, 3, 5], b: [5], viaOp: true },
];

export function registerMatMulKernelTests(suite: Suite): void {
  for (const c of CASES) {
    suite.test(`MatMul/${c.id}`, async (context) => {
      const a = f32(c.a, context.random.floats(o.sizeOfShape(c.a), -2, 2));
      const b = f32(c.b, context.random.floats(o.sizeOfShape(c.b), -2, 2));
      const transposeA = c.transposeA ?? false;
      const transposeB = c.transposeB ?? false;
      const y = await run1([a, b], (ta, tb) => (c.viaOp
        ? matmul(ta, tb)
        : engine().runKernel(kernels.MatMul, [ta, tb], { transposeA, transposeB })));
      // Oracle: 1-D operands become a row (a) or a column (b), as torch.matmul does.
      const a64 = c.a.length === 1 ? o.reshape64(as64(a), [1, c.a[0] as number]) : as64(a);
      const b64 = c.b.length === 1 ? o.reshape64(as64(b), [c.b[0] as number, 1]) : as64(b);
      let expected = o.matmul(a64, b64, transposeA, transposeB);
      let magnitude = o.matmul(o.abs(a64), o.abs(b64), transposeA, transposeB);
      if (c.viaOp) {
        const shape = c.a.length === 1 ? expected.shape.filter((_, i) => i !== expected.shape.length - 2) : expected.shape.slice(0, -1);
        expected = o.reshape64(expected, shape);
        magnitude = o.reshape64(magnitude, shape);
      }
      const k = transposeA ? (c.a[c.a.length - 2] as number) : (c.a[c.a.length - 1] as number);
      expectClose(y, expected, context.tolerance.accumulation(k), `matmul ${c.id}`, magnitude);
    });
  }
}
