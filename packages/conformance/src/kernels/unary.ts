/** Elementwise unary kernels, through core's ops, against oracle64. */
import type { Tensor } from '@parvus/core';
import { abs, ceil, exp, floor, log, log2, neg, relu, round, sigmoid, sign, sqrt, tanh, trunc } from '@parvus/core';
import { expectClose, expectExact } from '../expect.js';
import type { Result } from '../expect.js';
import type { Input } from '../harness.js';
import { as64, f32, i32, run1 } from '../harness.js';
import type { Array64, UnaryName } from '../oracle64/index.js';
import { array64, unary } from '../oracle64/index.js';
import type { CaseContext, Suite } from '../suite.js';

const OPS: Record<UnaryName, (x: Tensor) => Tensor> = {
  Neg: neg, Abs: abs, Sign: sign, Exp: exp, Log: log, Log2: log2, Sqrt: sqrt, Sigmoid: sigmoid, Tanh: tanh,
  Relu: relu, Floor: floor, Ceil: ceil, Round: round, Trunc: trunc,
};

/** How each kernel's float32 result is compared (see tolerance.ts). */
const ACCURACY: Record<UnaryName, 'exact' | 'arithmetic' | 'transcendental'> = {
  Neg: 'exact', Abs: 'exact', Sign: 'exact', Relu: 'exact', Floor: 'exact', Ceil: 'exact', Round: 'exact', Trunc: 'exact',
  Sqrt: 'arithmetic',
  Exp: 'transcendental', Log: 'transcendental', Log2: 'transcendental', Sigmoid: 'transcendental', Tanh: 'transcendental',
};

/** Where random inputs are drawn from. */
const DOMAIN: Partial<Record<UnaryName, [number, number]>> = {
  Exp: [-10, 10], Log: [1 / 64, 16], Log2: [1 / 64, 16], Sqrt: [0, 16],
};

/** Kernels that core dispatches on int32 tensors (the others cast to float32 or return a view). */
const INT32_KERNELS: UnaryName[] = ['Neg', 'Abs', 'Sign', 'Relu'];

const F32_MAX = Math.fround(3.4028234663852886e38);

/** Zeros of both signs, infinities, NaN, half-integers, tiny and huge magnitudes. */
export const SPECIAL_VALUES = [
  0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 1.5, -2.5, Math.fround(1e-7), Math.fround(-1e-7),
  100, -100, F32_MAX, -F32_MAX,
];

function compare(name: UnaryName, actual: Result, expected: Array64, context: CaseContext, what: string): void {
  const accuracy = ACCURACY[name];
  if (accuracy === 'exact') expectExact(actual, expected, 'float32', what);
  else expectClose(actual, expected, context.tolerance[accuracy], what);
}

async function check(name: UnaryName, x: Input, context: CaseContext, what: string): Promise<void> {
  const y = await run1([x], OPS[name]);
  compare(name, y, unary(name, as64(x)), context, what);
}

export function registerUnaryKernelTests(suite: Suite): void {
  for (const name of Object.keys(OPS) as UnaryName[]) {
    const [lo, hi] = DOMAIN[name] ?? [-8, 8];

    suite.test(`${name}/random`, async (context) => {
      const x = f32([3, 4, 5], context.random.floats(60, lo, hi));
      await check(name, x, context, `${name} of random [3, 4, 5]`);
    });

    suite.test(`${name}/special-values`, async (context) => {
      // sign(-0) and sign(NaN) are torch's own rule (see Sign/signed-zeros-and-nan), tested there.
      const values = name === 'Sign' ? SPECIAL_VALUES.filter((v) => !Number.isNaN(v) && !Object.is(v, -0)) : SPECIAL_VALUES;
      await check(name, f32([values.length], values), context, `${name} of ±0, ±Inf, NaN and others`);
    });

    suite.test(`${name}/shapes`, async (context) => {
      const [a, b] = [lo, hi];
      for (const shape of [[], [0, 3], [1, 1, 1], [3, 0, 2]]) {
        const size = shape.reduce((p, d) => p * d, 1);
        await check(name, f32(shape, context.random.floats(size, a, b)), context, `${name} of shape [${shape.join(', ')}]`);
      }
    });

    if (INT32_KERNELS.includes(name)) {
      suite.test(`${name}/int32`, async () => {
        const values = [0, 1, -1, 7, -7, 1000, -1000, 2147483647, -2147483647, 65536, -65536, 12345];
        const x = i32([3, 4], values);
        const y = await run1([x], OPS[name]);
        expectExact(y, unary(name, as64(x)), 'int32', `${name} of int32`);
      });
    }
  }

  suite.test('Round/ties-to-even', async () => {
    // 0.49999997 is the float32 below 0.5: floor(x + 0.5) gets it wrong (1). 8388607.5 is the
    // largest float32 half-integer. Expected values are written out, not computed.
    const x = [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 4.5, Math.fround(0.49999997), 8388607.5, -8388607.5, 8388609, -0.25];
    const expected = [0, 2, 2, 4, -0, -2, -2, 4, 0, 8388608, -8388608, 8388609, -0];
    const y = await run1([f32([x.length], x)], round);
    expectExact(y, array64([x.length], expected), 'float32', 'round half to even');
  });

  suite.test('Floor/signed-zeros', async () => {
    const x = [-0, 0, -0.5, 0.5, -1e-3, 1e-3].map(Math.fround);
    const cases: Array<[string, (t: Tensor) => Tensor, number[]]> = [
      ['floor', floor, [-0, 0, -1, 0, -1, 0]],
      ['ceil', ceil, [-0, 0, -0, 1, -0, 1]],
      ['trunc', trunc, [-0, 0, -0, 0, -0, 0]],
      ['round', round, [-0, 0, -0, 0, -0, 0]],
    ];
    for (const [what, fn, expected] of cases) {
      const y = await run1([f32([x.length], x)], fn);
      expectExact(y, array64([x.length], expected), 'float32', `${what} keeps the sign of zero`);
    }
  });

  suite.test('Neg/signed-zeros', async () => {
    const y = await run1([f32([4], [0, -0, NaN, -Infinity])], neg);
    expectExact(y, array64([4], [-0, 0, NaN, Infinity]), 'float32', 'neg(0) = -0, neg(-0) = 0');
  });

  suite.test('Sign/signed-zeros-and-nan', async () => {
    // As the contract states (kernel-names.ts): torch.sign computes (0 < x) − (x < 0), which gives
    // +0 for −0, +0 and NaN (pytorch/pytorch#41245).
    const y = await run1([f32([6], [-0, 0, NaN, -Infinity, Infinity, Math.fround(-1e-30)])], sign);
    expectExact(y, array64([6], [0, 0, 0, -1, 1, -1]), 'float32', 'sign(-0) = +0, sign(NaN) = +0');
  });

  suite.test('Relu/signed-zeros-and-nan', async () => {
    // torch.relu is clamp_min(x, 0): it returns x itself for x >= 0 (so -0 stays -0) and NaN for NaN,
    // and +0 (never -0, as x·(x > 0) would give) for negatives.
    const y = await run1([f32([6], [-0, 0, NaN, -3, -Infinity, 2])], relu);
    expectExact(y, array64([6], [-0, 0, NaN, 0, 0, 2]), 'float32', 'relu(-0) = -0, relu(-3) = +0, relu(NaN) = NaN');
  });

  suite.test('Abs/signed-zeros', async () => {
    const y = await run1([f32([4], [-0, 0, NaN, -Infinity])], abs);
    expectExact(y, array64([4], [0, 0, NaN, Infinity]), 'float32', 'abs(-0) = +0');
  });

  suite.test('Log2/powers-of-two-exact', async () => {
    // Power-of-two scaling depends on log2(2^k) = k exactly (log(x)/ln 2 is not).
    const ks = Array.from({ length: 253 }, (_, i) => i - 126);
    const y = await run1([f32([ks.length], ks.map((k) => 2 ** k))], log2);
    expectExact(y, array64([ks.length], ks), 'float32', 'log2(2^k) = k');
  });

  for (const name of ['Relu', 'Sigmoid'] as const) {
    suite.test(`${name}/large`, async (context) => {
      const size = 1 << 20;
      const x = f32([1024, 1024], context.random.floats(size, -8, 8));
      await check(name, x, context, `${name} of 2^20 elements`);
    });
  }
}
