/** Broadcasting binary kernels (arithmetic and comparisons), through core's ops, against oracle64. */
import type { DType, Tensor } from '@parvus/core';
import {
  add, div, equal, greater, greaterEqual, less, lessEqual, maximum, minimum, mul, notEqual, pow, sub,
} from '@parvus/core';
import { expectClose, expectExact } from '../expect.js';
import type { Input } from '../harness.js';
import { as64, bool, f32, i32, run1 } from '../harness.js';
import type { BinaryName } from '../oracle64/index.js';
import { abs, binary, broadcastShape, sizeOfShape } from '../oracle64/index.js';
import type { Random } from '../random.js';
import type { CaseContext, Suite } from '../suite.js';

const OPS: Record<BinaryName, (a: Tensor, b: Tensor) => Tensor> = {
  Add: add, Sub: sub, Mul: mul, Div: div, Pow: pow, Maximum: maximum, Minimum: minimum,
  Equal: equal, NotEqual: notEqual, Less: less, LessEqual: lessEqual, Greater: greater, GreaterEqual: greaterEqual,
};

const COMPARISONS: BinaryName[] = ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual'];

/** Draw operands in each kernel's domain (comparisons get small integers, so that ties occur). */
function operand(name: BinaryName, side: 0 | 1, size: number, random: Random): Float32Array {
  if (COMPARISONS.includes(name)) return Float32Array.from(random.ints(size, -3, 4));
  if (name === 'Div' && side === 1) return random.floats(size, -4, 4, (v) => Math.abs(v) >= 0.25);
  if (name === 'Pow') return side === 0 ? random.floats(size, 0.25, 4) : random.floats(size, -3, 3);
  return random.floats(size, -4, 4);
}

function operandInt(name: BinaryName, side: 0 | 1, size: number, random: Random): Int32Array {
  if (name === 'Pow') return side === 0 ? random.ints(size, -4, 5) : random.ints(size, 0, 5);
  if (COMPARISONS.includes(name)) return random.ints(size, -3, 4);
  return random.ints(size, -1000, 1001);
}

async function check(name: BinaryName, a: Input, b: Input, context: CaseContext, what: string, exactSpecials = false): Promise<void> {
  const y = await run1([a, b], OPS[name]);
  const expected = binary(name, as64(a), as64(b));
  const isComparison = COMPARISONS.includes(name);
  const dtype: DType = isComparison ? 'bool' : a.dtype;
  if (isComparison || dtype !== 'float32' || name === 'Maximum' || name === 'Minimum') {
    // maximum(-0, +0) may return either zero (torch does not specify), so zeros compare by value.
    expectExact(y, expected, dtype, what, { signedZeros: isComparison || dtype !== 'float32' });
  } else if (exactSpecials) {
    expectExact(y, expected, dtype, what);
  } else if (name === 'Pow') {
    expectClose(y, expected, context.tolerance.transcendental, what);
  } else if (name === 'Add' || name === 'Sub') {
    // Rounding error is relative to the operands, not to a result that cancels.
    expectClose(y, expected, context.tolerance.arithmetic, what, binary('Add', abs(as64(a)), abs(as64(b))));
  } else {
    expectClose(y, expected, context.tolerance.arithmetic, what);
  }
}

function pair(name: BinaryName, shapeA: number[], shapeB: number[], random: Random): [Input, Input] {
  return [
    f32(shapeA, operand(name, 0, sizeOfShape(shapeA), random)),
    f32(shapeB, operand(name, 1, sizeOfShape(shapeB), random)),
  ];
}

/** IEEE special cases with results fixed by IEEE 754 and torch (a, b). */
const SPECIAL_PAIRS: Array<[number, number]> = [
  [NaN, 1], [1, NaN], [NaN, NaN], [Infinity, Infinity], [-Infinity, Infinity], [Infinity, 1], [-Infinity, -1],
  [0, -0], [-0, 0], [-0, -0], [1, 0], [-1, 0], [0, 0], [3, -Infinity], [-3, Infinity], [2, 2], [-2, 4],
];

/** pow's special cases (C pow, as torch): exact results only. */
const POW_PAIRS: Array<[number, number]> = [
  [-2, 3], [-2, 2], [2, -1], [0, 0], [0, 2], [0, -1], [-8, 1 / 3], [4, 0.5], [NaN, 0], [Infinity, -1],
  [-Infinity, 3], [3, 0], [-0.5, -2], [1.5, 2],
  // Where C's pow (torch) and JavaScript's Math.pow differ.
  [1, NaN], [1, Infinity], [1, -Infinity], [-1, Infinity], [-1, -Infinity],
].map(([a, b]) => [Math.fround(a as number), Math.fround(b as number)]);

export function registerBinaryKernelTests(suite: Suite): void {
  for (const name of Object.keys(OPS) as BinaryName[]) {
    suite.test(`${name}/same-shape`, async (context) => {
      const [a, b] = pair(name, [3, 4, 5], [3, 4, 5], context.random);
      await check(name, a, b, context, `${name} of [3, 4, 5] and [3, 4, 5]`);
    });

    suite.test(`${name}/broadcast`, async (context) => {
      // Two-sided broadcasts, then one operand broadcast over a full one on either side: per
      // channel ([C, 1, 1] over [N, C, H, W]), per row, per leading block, and a lone element.
      const shapes: Array<[number[], number[]]> = [
        [[2, 1, 3], [4, 1]], [[4, 1], [2, 1, 3]], [[5], [3, 1]], [[2, 3, 1, 4], [3, 5, 1]],
        [[2, 3, 4, 5], [3, 1, 1]], [[3, 1, 1], [2, 3, 4, 5]], [[4, 5], [4, 1]], [[1, 4, 1], [2, 4, 3]], [[2, 3], [1, 1]], [[1], [3, 2]],
      ];
      for (const [sa, sb] of shapes) {
        const [a, b] = pair(name, sa, sb, context.random);
        await check(name, a, b, context, `${name} of [${sa.join(', ')}] and [${sb.join(', ')}] → [${broadcastShape(sa, sb).join(', ')}]`);
      }
    });

    suite.test(`${name}/scalar-operand`, async (context) => {
      for (const [sa, sb] of [[[3, 4], []], [[], [2, 3]], [[], []]] as Array<[number[], number[]]>) {
        const [a, b] = pair(name, sa, sb, context.random);
        await check(name, a, b, context, `${name} of [${sa.join(', ')}] and [${sb.join(', ')}]`);
      }
    });

    suite.test(`${name}/empty`, async (context) => {
      for (const [sa, sb] of [[[0, 3], [1, 3]], [[2, 0], []], [[0], [0]]] as Array<[number[], number[]]>) {
        const [a, b] = pair(name, sa, sb, context.random);
        await check(name, a, b, context, `${name} of [${sa.join(', ')}] and [${sb.join(', ')}]`);
      }
    });

    if (name !== 'Div') {
      suite.test(`${name}/int32`, async (context) => {
        const a = i32([3, 1, 4], operandInt(name, 0, 12, context.random));
        const b = i32([5, 1], operandInt(name, 1, 5, context.random));
        await check(name, a, b, context, `${name} of int32 [3, 1, 4] and [5, 1]`);
      });
    }

    suite.test(`${name}/special-values`, async (context) => {
      const pairs = name === 'Pow' ? POW_PAIRS : SPECIAL_PAIRS;
      // Once as they are, once repeated past 64 elements: backends may take other paths for tiny tensors.
      for (const tiled of [pairs, Array.from({ length: 6 }, () => pairs).flat()]) {
        const a = f32([tiled.length], tiled.map((p) => p[0]));
        const b = f32([tiled.length], tiled.map((p) => p[1]));
        await check(name, a, b, context, `${name} of NaN, ±Inf and ±0 (${tiled.length} elements)`, name !== 'Pow');
      }
    });
  }

  for (const name of ['Equal', 'NotEqual'] as const) {
    suite.test(`${name}/bool`, async (context) => {
      const a = bool([2, 1, 3], context.random.bools(6));
      const b = bool([4, 1], context.random.bools(4));
      await check(name, a, b, context, `${name} of bool [2, 1, 3] and [4, 1]`);
    });
  }

  suite.test('Add/large-broadcast', async (context) => {
    const a = f32([1024, 1024], context.random.floats(1 << 20, -4, 4));
    const b = f32([1024], context.random.floats(1024, -4, 4));
    await check('Add', a, b, context, 'add of [1024, 1024] and [1024]');
  });

  suite.test('Mul/large', async (context) => {
    const a = f32([1 << 20], context.random.floats(1 << 20, -4, 4));
    const b = f32([1 << 20], context.random.floats(1 << 20, -4, 4));
    await check('Mul', a, b, context, 'mul of two [2^20]');
  });
}
