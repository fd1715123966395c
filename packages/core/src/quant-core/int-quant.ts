/**
 * Brevitas's IntQuant: x / scale + zeroPoint → round → clamp to the integer range → − zeroPoint
 * → · scale. With round-to-nearest, an identity input view, no delay and a constant bit width,
 * it runs as one fused fakeQuantize (the kernel when the backend has it), bit-identical to the
 * composite.
 */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { fakeQuantize } from '../ops/fake-quantize.js';
import { maxInt, minInt } from '../function/ops.js';
import { knownValue } from '../engine/op.js';
import { DelayWrapper } from './delay.js';
import { Identity, RoundSte, TensorClamp, TensorClampSte } from './function-wrapper.js';

export class IntQuant extends Module {
  static readonly dependencies = {
    narrowRange: REQUIRED,
    signed: REQUIRED,
    inputViewImpl: null,
    floatToIntImpl: null,
    tensorClampImpl: null,
    quantDelaySteps: 0,
  };
  readonly floatToIntImpl: Module;
  readonly tensorClampImpl: Module;
  readonly signed: boolean;
  readonly narrowRange: boolean;
  readonly delayWrapper: DelayWrapper;
  readonly inputViewImpl: Module;

  constructor(deps: {
    narrowRange: boolean;
    signed: boolean;
    inputViewImpl: Module | null;
    floatToIntImpl: Module | null;
    tensorClampImpl: Module | null;
    quantDelaySteps: number | null;
  }) {
    super();
    this.floatToIntImpl = this.registerModule('floatToIntImpl', deps.floatToIntImpl ?? new RoundSte());
    this.tensorClampImpl = this.registerModule('tensorClampImpl', deps.tensorClampImpl ?? new TensorClamp());
    this.signed = deps.signed;
    this.narrowRange = deps.narrowRange;
    this.delayWrapper = this.registerModule('delayWrapper', new DelayWrapper(deps.quantDelaySteps));
    this.inputViewImpl = this.registerModule('inputViewImpl', deps.inputViewImpl ?? new Identity());
  }

  minInt(bitWidth: Tensor): Tensor {
    return minInt(this.signed, this.narrowRange, bitWidth);
  }

  maxInt(bitWidth: Tensor): Tensor {
    return maxInt(this.signed, this.narrowRange, bitWidth);
  }

  /** The integer range of a constant bit width, as numbers. */
  intRange(bitWidth: number): [number, number] {
    const half = 2 ** (bitWidth - 1);
    if (this.signed) return [this.narrowRange ? -half + 1 : -half, half - 1];
    return [0, 2 ** bitWidth - (this.narrowRange ? 2 : 1)];
  }

  /** Integer values (as floats): clamp(round(x / scale + zeroPoint)). */
  toInt(scale: Tensor, zeroPoint: Tensor, bitWidth: Tensor, x: Tensor): Tensor {
    const y = add(div(this.inputViewImpl.forward(x) as Tensor, scale), zeroPoint);
    const rounded = this.floatToIntImpl.forward(y) as Tensor;
    return this.tensorClampImpl.forward(rounded, this.minInt(bitWidth), this.maxInt(bitWidth)) as Tensor;
  }

  /**
   * The dequantized value. A constant bit width core knows without a read (BitWidthConst's) takes
   * the fused FakeQuantize kernel; a learned one (on the autograd graph) never does, since the
   * kernel has no bit-width gradient.
   */
  forward(scale: Tensor, zeroPoint: Tensor, bitWidth: Tensor, x: Tensor): Tensor {
    const constantBitWidth = bitWidth.requiresGrad || bitWidth.gradFn ? undefined : knownValue(bitWidth);
    const fusable = constantBitWidth !== undefined && this.floatToIntImpl instanceof RoundSte && this.inputViewImpl instanceof Identity
      && !this.delayWrapper.isDelayed
      && (this.tensorClampImpl instanceof TensorClamp || this.tensorClampImpl instanceof TensorClampSte);
    // Brevitas accepts bit widths of 0 (range [−0.5, −0.5]): not an integer range, so no fusing.
    const [quantMin, quantMax] = fusable ? this.intRange(constantBitWidth) : [0, 0];
    if (fusable && Number.isInteger(quantMin) && Number.isInteger(quantMax)) {
      const clamp = this.tensorClampImpl instanceof TensorClampSte ? 'straight-through' : 'zero-gradient';
      return fakeQuantize(x, scale, zeroPoint, quantMin, quantMax, { clamp });
    }
    const yInt = this.toInt(scale, zeroPoint, bitWidth, x);
    const y = mul(sub(yInt, zeroPoint), scale);
    return this.delayWrapper.forward(x, y);
  }
}
