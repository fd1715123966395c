/**
 * FakeQuantize, the optional fused kernel. Through core's `fakeQuantize` (fused kernel when the
 * backend has it, composite otherwise) the result must be bit-identical to a float32 emulation of the
 * contract's formula; the fused kernel itself must be bit-identical to `fakeQuantizeComposite`.
 */
import type { Tensor } from '@parvus/core';
import { engine, fakeQuantize, fakeQuantizeComposite, fakeQuantizeGradComposite, hasKernel, kernels } from '@parvus/core';
import { expectClose, expectExact, expectIdentical } from '../expect.js';
import type { Result } from '../expect.js';
import type { Input } from '../harness.js';
import { as64, f32, run, run1 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { CaseContext, Suite } from '../suite.js';

interface QuantCase {
  x: Input;
  scale: Input;
  zeroPoint: Input;
  range: o.QuantRange;
}

/**
 * The result through core's op must be the float32 emulation exactly (float16 backends: within a
 * step), the sign of zero included.
 */
function expectQuantized(y: Result, c: QuantCase, context: CaseContext, what: string): void {
  if (context.tolerance.precision === 32) {
    expectExact(y, o.fakeQuantizeFloat32(as64(c.x), as64(c.scale), as64(c.zeroPoint), c.range), 'float32', what);
  } else {
    const step = Math.max(...Array.from(c.scale.data, Math.abs));
    const expected = o.fakeQuantize64(as64(c.x), as64(c.scale), as64(c.zeroPoint), c.range);
    expectClose(y, expected, { rtol: context.tolerance.eps, atol: step }, what);
  }
}

async function viaOp(c: QuantCase): Promise<Result> {
  return run1([c.x, c.scale, c.zeroPoint], (x, s, zp) => fakeQuantize(x, s as Tensor, zp as Tensor, c.range.quantMin, c.range.quantMax));
}

async function check(c: QuantCase, context: CaseContext, what: string): Promise<void> {
  expectQuantized(await viaOp(c), c, context, what);
}

function int8(x: Input, scale: number): QuantCase {
  return { x, scale: f32([], [Math.fround(scale)]), zeroPoint: f32([], [0]), range: { quantMin: -128, quantMax: 127 } };
}

export function registerFakeQuantizeKernelTests(suite: Suite): void {
  suite.test('FakeQuantize/per-tensor-int8', async (context) => {
    const x = f32([4, 8, 8], context.random.floats(256, -3, 3));
    await check(int8(x, 0.02), context, 'int8 per tensor, scale 0.02');
  });

  suite.test('FakeQuantize/per-channel-uint8-zero-point', async (context) => {
    const x = f32([2, 3, 4, 4], context.random.floats(96, -2, 4));
    const c: QuantCase = {
      x,
      scale: f32([1, 3, 1, 1], [0.01, 0.05, 0.003].map(Math.fround)),
      zeroPoint: f32([1, 3, 1, 1], [0, 37, 128]),
      range: { quantMin: 0, quantMax: 255 },
    };
    await check(c, context, 'uint8 per channel with zero points');
  });

  suite.test('FakeQuantize/low-bit-narrow-range', async (context) => {
    const x = f32([5, 7], context.random.floats(35, -1, 1));
    await check({ x, scale: f32([5, 1], context.random.floats(5, 0.05, 0.3)), zeroPoint: f32([], [0]), range: { quantMin: -7, quantMax: 7 } }, context, '4-bit narrow range, per row');
  });

  suite.test('FakeQuantize/round-ties-to-even', async () => {
    // x/s lands exactly on .5 (s a power of two): ties go to even codes, written out here.
    const x = [0.125, 0.375, 0.625, 0.875, -0.125, -0.375, -0.625, 1.125];
    const expected = [0, 0.5, 0.5, 1, -0, -0.5, -0.5, 1];
    const y = await viaOp(int8(f32([8], x), 0.25));
    expectExact(y, o.array64([8], expected), 'float32', 'fake quantization ties to even');
  });

  suite.test('FakeQuantize/clamps-to-range', async () => {
    // Written out: int8 with scale 0.5 saturates at -64 and 63.5.
    const x = [100, -100, 63.5, 63.75, -64, -64.5, 1e30, -1e30].map(Math.fround);
    const expected = [63.5, -64, 63.5, 63.5, -64, -64, 63.5, -64];
    const y = await viaOp(int8(f32([8], x), 0.5));
    expectExact(y, o.array64([8], expected), 'float32', 'fake quantization saturates');
  });

  suite.test('FakeQuantize/special-values', async (context) => {
    // NaN stays NaN and ±Inf saturate.
    const x = f32([8], [NaN, Infinity, -Infinity, -0, 0, Math.fround(-0.001), Math.fround(0.001), Math.fround(-0.0101)]);
    await check(int8(x, 0.02), context, 'fake quantization of NaN, ±Inf and ±0');
  });

  suite.test('FakeQuantize/sign-of-zero', async () => {
    // The composite (Brevitas's IntQuant: x / s + zp, round, clamp, − zp, × s in float32) keeps the
    // sign of a zero code: x in [−s/2, 0) gives −0, while x = −0 gives +0 (−0 / s + 0 = +0). The
    // contract requires the fused kernel to match it bit for bit; torch 1.13 computes these values
    // (torch.fake_quantize_per_tensor_affine goes through an integer and gives +0 instead).
    const x = f32([6], [-0, 0, Math.fround(-0.001), Math.fround(-0.0099), Math.fround(0.001), Math.fround(-0.011)]);
    const c = int8(x, 0.02);
    const y = await viaOp(c);
    expectExact(y, o.array64([6], [0, 0, -0, -0, 0, -0.02].map(Math.fround)), 'float32', 'fake quantization of small negatives gives -0');
    const [composite] = await run([c.x, c.scale, c.zeroPoint], (tx, s, zp) => fakeQuantizeComposite(tx, s as Tensor, zp as Tensor, -128, 127));
    expectIdentical(y, composite as Result, 'fakeQuantize vs fakeQuantizeComposite on zeros');
  });

  suite.test('FakeQuantize/empty', async (context) => {
    await check(int8(f32([0, 3], []), 0.1), context, 'fake quantization of [0, 3]');
  });

  suite.test('FakeQuantize/large', async (context) => {
    const x = f32([1 << 20], context.random.floats(1 << 20, -4, 4));
    await check(int8(x, 4 / 127), context, 'fake quantization of 2^20 elements');
  });

  suite.test('FakeQuantize/fused-kernel-matches-composite', async (context) => {
    if (!hasKernel(kernels.FakeQuantize, context.backend.name)) {
      context.skip('the backend does not implement the optional fused kernel; core uses the composite');
    }
    const random = context.random;
    const cases: Array<[string, QuantCase]> = [
      ['int8 per tensor', int8(f32([3, 50], random.floats(150, -3, 3)), 0.0173)],
      ['uint8 per channel', {
        x: f32([2, 3, 5], random.floats(30, -1, 3)),
        scale: f32([3, 1], [0.011, 0.02, 0.0071].map(Math.fround)),
        zeroPoint: f32([3, 1], [0, 12, 200]),
        range: { quantMin: 0, quantMax: 255 },
      }],
      ['special values', int8(f32([8], [NaN, Infinity, -Infinity, -0, 0, -0.001, 0.001, 2.55].map(Math.fround)), 0.02)],
      ['ties', int8(f32([6], [0.125, 0.375, 0.625, -0.125, -0.375, -0.625]), 0.25)],
    ];
    for (const [what, c] of cases) {
      const [fused, composite] = await run([c.x, c.scale, c.zeroPoint], (x, s, zp) => [
        engine().runKernel(kernels.FakeQuantize, [x as Tensor, s as Tensor, zp as Tensor], c.range),
        fakeQuantizeComposite(x as Tensor, s as Tensor, zp as Tensor, c.range.quantMin, c.range.quantMax),
      ]);
      // Every bit, the sign of zero included.
      expectIdentical(fused as Result, composite as Result, `fused FakeQuantize vs composite, ${what}`);
    }
  });

  // The gradient's fused kernel, bit for bit against core's composite, for both clamps: codes
  // inside, at and beyond the range, ties, per-channel parameters, ±0, NaN and ±Inf, with
  // upstream gradients of both signs (−0 outputs must stay −0).
  suite.test('FakeQuantizeGrad/fused-kernel-matches-composite', async (context) => {
    if (!hasKernel(kernels.FakeQuantizeGrad, context.backend.name)) {
      context.skip('the backend does not implement the optional fused kernel; core uses the composite');
    }
    const random = context.random;
    const special = [NaN, Infinity, -Infinity, -0, 0, -0.001, 0.001, 2.55, 0.125, -0.375, 40, -40].map(Math.fround);
    const cases: Array<[string, QuantCase, Input]> = [
      ['int8 per tensor', int8(f32([3, 50], random.floats(150, -3, 3)), 0.0173), f32([3, 50], random.floats(150, -1, 1))],
      ['4-bit unsigned per channel', {
        x: f32([2, 3, 5], random.floats(30, -0.5, 1.5)),
        scale: f32([3, 1], [0.011, 0.02, 0.071].map(Math.fround)),
        zeroPoint: f32([3, 1], [0, 3, 9]),
        range: { quantMin: 0, quantMax: 15 },
      }, f32([2, 3, 5], random.floats(30, -1, 1))],
      ['special values', { ...int8(f32([12], special), 0.25), range: { quantMin: -7, quantMax: 7 } }, f32([12], random.floats(12, -1, 1))],
      ['special upstream', int8(f32([6], [0.5, -0.5, 100, -100, 0, -0].map(Math.fround)), 0.25), f32([6], [NaN, -0, 0, -1, Infinity, -2])],
    ];
    for (const [what, c, dy] of cases) {
      for (const straightThroughClamp of [false, true]) {
        const attrs = { ...c.range, straightThroughClamp };
        const results = await run([dy, c.x, c.scale, c.zeroPoint], (g, x, s, zp) => [
          ...engine().runKernelMulti(kernels.FakeQuantizeGrad, [g as Tensor, x as Tensor, s as Tensor, zp as Tensor], attrs),
          ...fakeQuantizeGradComposite(g as Tensor, x as Tensor, s as Tensor, zp as Tensor, c.range.quantMin, c.range.quantMax, straightThroughClamp),
        ]);
        const clamp = straightThroughClamp ? 'straight-through clamp' : 'zero-gradient clamp';
        ['dx', 'dScale', 'dZeroPoint'].forEach((part, i) => {
          expectIdentical(results[i] as Result, results[i + 3] as Result, `fused FakeQuantizeGrad vs composite, ${part}, ${what}, ${clamp}`);
        });
      }
    }
  });
}
