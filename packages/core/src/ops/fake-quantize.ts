import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { recordKernel } from '../autograd/record.js';
import { hasKernel } from '../kernels/kernel-registry.js';
import * as k from '../kernels/kernel-names.js';
import { ValueError } from '../errors/errors.js';
import { broadcastShapes } from '../util/shape.js';
import type { TensorLike } from './creation.js';
import { toTensor } from './creation.js';
import { add, div, greaterEqual, lessEqual, mul, sub } from './binary.js';
import { round } from './unary.js';
import { cast, clamp, logicalAnd } from './selection.js';
import { zerosLike } from './creation.js';
import { assertFloat, castTo } from './operands.js';

/**
 * The composite that the fused kernel must match bit for bit: Brevitas's IntQuant
 * (x / scale + zeroPoint → round half to even → clamp → − zeroPoint → · scale), in float32.
 */
export function fakeQuantizeComposite(x: Tensor, scale: Tensor, zeroPoint: Tensor, quantMin: number, quantMax: number): Tensor {
  const q = clamp(round(add(div(x, scale), zeroPoint)), quantMin, quantMax);
  return mul(sub(q, zeroPoint), scale);
}

/** Engine-level name of fake quantization with a straight-through clamp (it is not a kernel). */
export const FAKE_QUANTIZE_STE_CLAMP = 'FakeQuantizeSteClamp';

export interface FakeQuantizeOptions {
  /**
   * 'zero-gradient' (Brevitas's TensorClamp, activations): no gradient where clamped.
   * 'straight-through' (TensorClampSte, weights): the clamp passes the gradient everywhere.
   */
  clamp?: 'zero-gradient' | 'straight-through';
}

/**
 * Fake quantization with a per-tensor or broadcast (per-channel) scale and zero point. Uses the
 * backend's fused FakeQuantize kernel when it has one, else the composite. The gradient is
 * Brevitas's: straight-through rounding, the clamp as chosen; scale and zero point get theirs
 * too (LSQ-style).
 */
export const fakeQuantize = op('fakeQuantize', (x: Tensor, scale: TensorLike, zeroPoint: TensorLike, quantMin: number, quantMax: number, options: FakeQuantizeOptions = {}): Tensor => {
  assertFloat(x, 'fakeQuantize');
  if (!Number.isInteger(quantMin) || !Number.isInteger(quantMax) || quantMin > quantMax) {
    throw new ValueError(`fakeQuantize: quantMin and quantMax must be integers with quantMin ≤ quantMax, got ${quantMin} and ${quantMax}.`);
  }
  const s = castTo(toTensor(scale), 'float32');
  const zp = castTo(toTensor(zeroPoint), 'float32');
  broadcastShapes(broadcastShapes(x.shape, s.shape, 'fakeQuantize input and scale'), zp.shape, 'fakeQuantize input and zero point');
  const e = engine();
  const attrs: k.FakeQuantizeAttrs = { quantMin, quantMax };
  const straightThrough = options.clamp === 'straight-through';
  const fused = hasKernel(k.FakeQuantize, e.backendName);
  // Recorded by hand: the composite's own steps are not what autograd should see, and the
  // straight-through clamp is not a kernel.
  const out = e.withoutGrad(() => (fused ? e.runKernel(k.FakeQuantize, [x, s, zp], attrs) : fakeQuantizeComposite(x, s, zp, quantMin, quantMax)));
  if (e.gradEnabled) recordKernel(straightThrough ? FAKE_QUANTIZE_STE_CLAMP : k.FakeQuantize, [x, s, zp], [out], attrs);
  return out;
});

/**
 * The composite that the fused FakeQuantizeGrad kernel must match bit for bit: the elementwise
 * parts [dx, dScale, dZeroPoint] of Brevitas's gradient, each of dy's shape (see the kernel).
 */
export function fakeQuantizeGradComposite(dy: Tensor, x: Tensor, scale: Tensor, zeroPoint: Tensor, quantMin: number, quantMax: number, straightThroughClamp: boolean): [Tensor, Tensor, Tensor] {
  const scaled = div(x, scale);
  const r = round(add(scaled, zeroPoint));
  const c = clamp(r, quantMin, quantMax);
  const m = straightThroughClamp ? null : cast(logicalAnd(greaterEqual(r, quantMin), lessEqual(r, quantMax)), 'float32');
  // dx = dy: a view, so that it is a tensor of its own (callers dispose the parts they don't need).
  if (m === null) return [engine().makeView(dy, dy.shape), mul(dy, sub(sub(c, zeroPoint), scaled)), zerosLike(dy)];
  return [mul(dy, m), mul(dy, sub(sub(c, zeroPoint), mul(m, scaled))), mul(mul(dy, scale), sub(m, 1))];
}

/**
 * The elementwise parts of fake quantization's gradient, from the backend's fused kernel when it
 * has one (one pass instead of a dozen), else the composite. Not differentiable itself.
 */
export function fakeQuantizeGradParts(dy: Tensor, x: Tensor, scale: Tensor, zeroPoint: Tensor, attrs: k.FakeQuantizeGradAttrs): [Tensor, Tensor, Tensor] {
  const e = engine();
  if (hasKernel(k.FakeQuantizeGrad, e.backendName)) {
    return e.runKernelMulti(k.FakeQuantizeGrad, [dy, x, scale, zeroPoint], attrs) as [Tensor, Tensor, Tensor];
  }
  return fakeQuantizeGradComposite(dy, x, scale, zeroPoint, attrs.quantMin, attrs.quantMax, attrs.straightThroughClamp);
}
