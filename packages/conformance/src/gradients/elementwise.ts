/** Gradients of the elementwise kernels (unary, binary, Where, Clip) against float64 finite differences. */
import type { Tensor } from '@parvus/core';
import {
  abs, add, ceil, clamp, div, exp, floor, log, log2, maximum, minimum, mul, neg, pow, relu, round, sigmoid, sign, sqrt, sub, tanh,
  trunc, where,
} from '@parvus/core';
import { bool, f32 } from '../harness.js';
import type { Input } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { BinaryName, UnaryName } from '../oracle64/index.js';
import type { Random } from '../random.js';
import type { Suite } from '../suite.js';
import { checkGradient } from './check.js';

const UNARY_OPS: Record<UnaryName, (x: Tensor) => Tensor> = {
  Neg: neg, Abs: abs, Sign: sign, Exp: exp, Log: log, Log2: log2, Sqrt: sqrt, Sigmoid: sigmoid, Tanh: tanh,
  Relu: relu, Floor: floor, Ceil: ceil, Round: round, Trunc: trunc,
};

const distanceToInteger = (v: number): number => Math.abs(v - Math.round(v));

/**
 * Inputs away from each function's kinks and jumps by ≥ 0.05 (finite differences step 1e-6), so the
 * difference quotient is the derivative. Piecewise-constant kernels (Sign, Floor, ...) have zero
 * derivative there, and their gradient must be exactly zero.
 */
function unaryInput(name: UnaryName, random: Random, size: number): Float32Array {
  switch (name) {
    case 'Log': case 'Log2': case 'Sqrt': return random.floats(size, 0.25, 4);
    case 'Abs': case 'Sign': case 'Relu': return random.floats(size, -3, 3, (v) => Math.abs(v) >= 0.05);
    case 'Floor': case 'Ceil': case 'Trunc': return random.floats(size, -3, 3, (v) => distanceToInteger(v) >= 0.05);
    case 'Round': return random.floats(size, -3, 3, (v) => distanceToInteger(v) <= 0.45);
    case 'Sigmoid': return random.floats(size, -5, 5);
    default: return random.floats(size, -3, 3);
  }
}

const BINARY_OPS: Partial<Record<BinaryName, (a: Tensor, b: Tensor) => Tensor>> = {
  Add: add, Sub: sub, Mul: mul, Div: div, Pow: pow, Maximum: maximum, Minimum: minimum,
};

function binaryInputs(name: BinaryName, shapeA: number[], shapeB: number[], random: Random): [Input, Input] {
  const sizeA = o.sizeOfShape(shapeA);
  const sizeB = o.sizeOfShape(shapeB);
  if (name === 'Pow') return [f32(shapeA, random.floats(sizeA, 0.5, 2)), f32(shapeB, random.floats(sizeB, -2, 2))];
  const a = random.floats(sizeA, -2, 2);
  if (name === 'Div') return [f32(shapeA, a), f32(shapeB, random.floats(sizeB, -2, 2, (v) => Math.abs(v) >= 0.5))];
  if (name === 'Maximum' || name === 'Minimum') {
    // No pair that meets under broadcasting may be closer than 0.05 (no ties, no kink in reach).
    return [f32(shapeA, a), f32(shapeB, random.floats(sizeB, -2, 2, (v) => a.every((w) => Math.abs(v - w) >= 0.05)))];
  }
  return [f32(shapeA, a), f32(shapeB, random.floats(sizeB, -2, 2))];
}

export function registerElementwiseGradientTests(suite: Suite): void {
  for (const name of Object.keys(UNARY_OPS) as UnaryName[]) {
    suite.test(`${name}/grad`, async (context) => {
      const x = f32([3, 4], unaryInput(name, context.random, 12));
      await checkGradient({
        inputs: [x],
        wrt: [0],
        forward: UNARY_OPS[name],
        oracle: ([a]) => o.unary(name, a!),
      }, context, `${name} gradient`);
    });
  }

  for (const [name, op] of Object.entries(BINARY_OPS) as Array<[BinaryName, (a: Tensor, b: Tensor) => Tensor]>) {
    suite.test(`${name}/grad`, async (context) => {
      const inputs = binaryInputs(name, [3, 4], [3, 4], context.random);
      await checkGradient({ inputs, wrt: [0, 1], forward: op, oracle: ([a, b]) => o.binary(name, a!, b!) }, context, `${name} gradient`);
    });

    suite.test(`${name}/grad-broadcast`, async (context) => {
      // Gradients of broadcast operands sum over the broadcast dimensions.
      const inputs = binaryInputs(name, [2, 1, 3], [4, 1], context.random);
      await checkGradient({ inputs, wrt: [0, 1], forward: op, oracle: ([a, b]) => o.binary(name, a!, b!), terms: 4 }, context, `${name} gradient, [2, 1, 3] with [4, 1]`);
    });
  }

  suite.test('Mul/grad-same-input-twice', async (context) => {
    // Both uses of x contribute: d(x·x)/dx = 2x (gradient accumulation in the autograd tape).
    await checkGradient({
      inputs: [f32([5], context.random.floats(5, -2, 2))],
      wrt: [0],
      forward: (x) => mul(x, x),
      oracle: ([x]) => o.binary('Mul', x!, x!),
    }, context, 'x·x gradient');
  });

  for (const [name, op] of [['Maximum', maximum], ['Minimum', minimum]] as const) {
    suite.test(`${name}/grad-ties-split`, async (context) => {
      // Documented rule (torch): where a = b each side gets half the gradient.
      const a = f32([4], [1, 2, -3, 0.5]);
      const b = f32([4], [1, 5, -3, -1]);
      const first = name === 'Maximum' ? (x: number, y: number) => x > y : (x: number, y: number) => x < y;
      await checkGradient({
        inputs: [a, b],
        wrt: [0, 1],
        forward: op,
        oracle: ([x, y]) => o.binary(name, x!, y!),
        expected: ([x, y], u) => [
          o.array64([4], u.data.map((g, i) => (x!.data[i] === y!.data[i] ? g / 2 : first(x!.data[i]!, y!.data[i]!) ? g : 0))),
          o.array64([4], u.data.map((g, i) => (x!.data[i] === y!.data[i] ? g / 2 : first(y!.data[i]!, x!.data[i]!) ? g : 0))),
        ],
      }, context, `${name} gradient with ties`);
    });
  }

  suite.test('Where/grad', async (context) => {
    const condition = bool([2, 1, 3], context.random.bools(6));
    const a = f32([4, 1], context.random.floats(4));
    const b = f32([2, 4, 3], context.random.floats(24));
    await checkGradient({
      inputs: [condition, a, b],
      wrt: [1, 2],
      forward: (c, x, y) => where(c as Tensor, x as Tensor, y as Tensor),
      oracle: ([c, x, y]) => o.where(c!, x!, y!),
      terms: 6,
    }, context, 'where gradient');
  });

  suite.test('Clip/grad', async (context) => {
    const x = f32([4, 5], context.random.floats(20, -2, 2, (v) => Math.abs(v + 0.5) >= 0.05 && Math.abs(v - 0.75) >= 0.05));
    await checkGradient({
      inputs: [x],
      wrt: [0],
      forward: (t) => clamp(t, -0.5, 0.75),
      oracle: ([t]) => o.clipArray(t!, -0.5, 0.75),
    }, context, 'clamp gradient');
  });

  suite.test('Clip/grad-at-bounds', async (context) => {
    // Documented rule (torch.clamp): the gradient passes where min ≤ x ≤ max, bounds included.
    const x = f32([6], [-0.5, 0.75, -0.6, 0.8, 0, -2].map(Math.fround));
    await checkGradient({
      inputs: [x],
      wrt: [0],
      forward: (t) => clamp(t, -0.5, 0.75),
      oracle: ([t]) => o.clipArray(t!, -0.5, 0.75),
      expected: ([t], u) => [o.array64([6], u.data.map((g, i) => (t!.data[i]! >= -0.5 && t!.data[i]! <= 0.75 ? g : 0)))],
    }, context, 'clamp gradient at the bounds');
  });

}
