/**
 * Brevitas's brevitas.core.quant: complete quantizers returning (value, scale, zeroPoint,
 * bitWidth): integer with scaling (RescalingIntQuant), prescaled (bias), truncation, binary,
 * ternary.
 */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { ConfigurationError } from '../errors/errors.js';
import { scalar } from '../ops/creation.js';
import { abs, neg } from '../ops/unary.js';
import { add, div, greater, mul, pow, sub } from '../ops/binary.js';
import { cast } from '../ops/selection.js';
import { customOp } from '../autograd/custom-op.js';
import { binarySign, roundSte } from '../function/ops-ste.js';
import { maxInt, minInt } from '../function/ops.js';
import { sign } from '../ops/unary.js';
import { StatelessBuffer, TensorClamp } from './function-wrapper.js';
import type { BitWidthImpl } from './bit-width.js';
import { BitWidthConst } from './bit-width.js';
import { DelayWrapper } from './delay.js';
import type { IntQuant } from './int-quant.js';
import type { ScalingImpl } from './scaling.js';
import type { ZeroPointImpl } from './zero-point.js';

/** (dequantized value, scale, zero point, bit width) */
export type QuantOutput = [value: Tensor, scale: Tensor, zeroPoint: Tensor, bitWidth: Tensor];

/** Scale from scalingImpl / intScalingImpl(bitWidth), zero point from zeroPointImpl, then IntQuant. */
export class RescalingIntQuant extends Module {
  static readonly dependencies = { intQuant: REQUIRED, scalingImpl: REQUIRED, intScalingImpl: REQUIRED, zeroPointImpl: REQUIRED, bitWidthImpl: REQUIRED };
  readonly intQuant: IntQuant;
  readonly scalingImpl: ScalingImpl;
  readonly intScalingImpl: Module;
  readonly zeroPointImpl: ZeroPointImpl;
  readonly msbClampBitWidthImpl: BitWidthImpl;

  constructor(deps: { intQuant: IntQuant; scalingImpl: ScalingImpl; intScalingImpl: Module; zeroPointImpl: ZeroPointImpl; bitWidthImpl: BitWidthImpl }) {
    super();
    this.intQuant = this.registerModule('intQuant', deps.intQuant);
    this.scalingImpl = this.registerModule('scalingImpl', deps.scalingImpl);
    this.intScalingImpl = this.registerModule('intScalingImpl', deps.intScalingImpl);
    this.zeroPointImpl = this.registerModule('zeroPointImpl', deps.zeroPointImpl);
    this.msbClampBitWidthImpl = this.registerModule('msbClampBitWidthImpl', deps.bitWidthImpl);
  }

  forward(x: Tensor): QuantOutput {
    const bitWidth = this.msbClampBitWidthImpl.forward();
    const threshold = this.intScalingImpl.forward(bitWidth) as Tensor;
    const scale = this.scalingImpl.forward(x, threshold);
    const zeroPoint = this.zeroPointImpl.forward(x, scale, bitWidth);
    const y = this.intQuant.forward(scale, zeroPoint, bitWidth, x);
    return [y, scale, zeroPoint, bitWidth];
  }
}

/** Quantization with a scale given by the caller (bias: input scale × weight scale). */
export class PrescaledRestrictIntQuant extends Module {
  static readonly dependencies = { intQuant: REQUIRED, bitWidthImpl: REQUIRED };
  readonly intQuant: IntQuant;
  readonly msbClampBitWidthImpl: BitWidthImpl;
  readonly zeroPoint: StatelessBuffer;

  constructor(deps: { intQuant: IntQuant; bitWidthImpl: BitWidthImpl }) {
    super();
    this.intQuant = this.registerModule('intQuant', deps.intQuant);
    this.msbClampBitWidthImpl = this.registerModule('msbClampBitWidthImpl', deps.bitWidthImpl);
    this.zeroPoint = this.registerModule('zeroPoint', new StatelessBuffer(scalar(0)));
  }

  forward(x: Tensor, scale: Tensor): QuantOutput {
    const bitWidth = this.msbClampBitWidthImpl.forward();
    const zeroPoint = this.zeroPoint.forward();
    const y = this.intQuant.forward(scale, zeroPoint, bitWidth, x);
    return [y, scale, zeroPoint, bitWidth];
  }
}

/** Prescaled quantization whose bit width derives from the input's (bias with IntBias). */
export class PrescaledRestrictIntQuantWithInputBitWidth extends Module {
  static readonly dependencies = { intQuant: REQUIRED, bitWidthImpl: REQUIRED };
  readonly intQuant: IntQuant;
  readonly msbClampBitWidthImpl: Module;
  readonly zeroPoint: StatelessBuffer;

  constructor(deps: { intQuant: IntQuant; bitWidthImpl: Module }) {
    super();
    this.intQuant = this.registerModule('intQuant', deps.intQuant);
    this.msbClampBitWidthImpl = this.registerModule('msbClampBitWidthImpl', deps.bitWidthImpl);
    this.zeroPoint = this.registerModule('zeroPoint', new StatelessBuffer(scalar(0)));
  }

  forward(x: Tensor, scale: Tensor, inputBitWidth: Tensor): QuantOutput {
    const bitWidth = this.msbClampBitWidthImpl.forward(inputBitWidth) as Tensor;
    const zeroPoint = this.zeroPoint.forward();
    const y = this.intQuant.forward(scale, zeroPoint, bitWidth, x);
    return [y, scale, zeroPoint, bitWidth];
  }
}

/**
 * Re-quantization of an accumulator to fewer bits (TruncAvgPool): the integer value is divided by
 * 2^(inputBitWidth − outputBitWidth), rounded by `floatToIntImpl` and clamped.
 */
export class TruncIntQuant extends Module {
  static readonly dependencies = { floatToIntImpl: REQUIRED, bitWidthImpl: REQUIRED, narrowRange: false, tensorClampImpl: null, quantDelaySteps: 0 };
  readonly narrowRange: boolean;
  readonly msbClampBitWidthImpl: BitWidthImpl;
  readonly floatToIntImpl: Module;
  readonly tensorClampImpl: Module;
  readonly delayWrapper: DelayWrapper;

  constructor(deps: { floatToIntImpl: Module; bitWidthImpl: BitWidthImpl; narrowRange: boolean; tensorClampImpl: Module | null; quantDelaySteps: number | null }) {
    super();
    this.narrowRange = deps.narrowRange;
    this.msbClampBitWidthImpl = this.registerModule('msbClampBitWidthImpl', deps.bitWidthImpl);
    this.floatToIntImpl = this.registerModule('floatToIntImpl', deps.floatToIntImpl);
    this.tensorClampImpl = this.registerModule('tensorClampImpl', deps.tensorClampImpl ?? new TensorClamp());
    this.delayWrapper = this.registerModule('delayWrapper', new DelayWrapper(deps.quantDelaySteps));
  }

  forward(x: Tensor, scale: Tensor, zeroPoint: Tensor, inputBitWidth: Tensor, signed: boolean): QuantOutput {
    // Round away floating-point error before shifting.
    let y = roundSte(add(div(x, scale), zeroPoint));
    const outputBitWidth = this.msbClampBitWidthImpl.forward();
    const truncScale = pow(2, sub(inputBitWidth, outputBitWidth));
    y = div(y, truncScale);
    y = this.floatToIntImpl.forward(y) as Tensor;
    y = this.tensorClampImpl.forward(y, minInt(signed, this.narrowRange, outputBitWidth), maxInt(signed, this.narrowRange, outputBitWidth)) as Tensor;
    const outputScale = mul(scale, truncScale);
    const outputZeroPoint = div(zeroPoint, truncScale);
    const out = mul(sub(y, outputZeroPoint), outputScale);
    return [this.delayWrapper.forward(x, out), outputScale, outputZeroPoint, outputBitWidth];
  }
}

/** sign(x) forward with ±1 (sign(0) = +1) and an identity backward (Brevitas's binary_sign_ste). */
function binarySignSte(x: Tensor): Tensor {
  return customOp('binarySignSte', [x], () => binarySign(x), (dy) => [dy]);
}

/** sign(x) ∈ {−1, 0, 1} forward, identity backward (Brevitas's ternary_sign_ste). */
function ternarySignSte(x: Tensor): Tensor {
  return customOp('ternarySignSte', [x], () => sign(x), (dy) => [dy]);
}

/** ±scale, after clamping x to [−scale, scale] (Brevitas's ClampedBinaryQuant). */
export class ClampedBinaryQuant extends Module {
  static readonly dependencies = { scalingImpl: REQUIRED, tensorClampImpl: null };
  readonly scalingImpl: ScalingImpl;
  readonly bitWidth: BitWidthConst;
  readonly zeroPoint: StatelessBuffer;
  readonly tensorClampImpl: Module;

  constructor(deps: { scalingImpl: ScalingImpl; tensorClampImpl: Module | null }) {
    super();
    this.scalingImpl = this.registerModule('scalingImpl', deps.scalingImpl);
    this.bitWidth = this.registerModule('bitWidth', new BitWidthConst(1));
    this.zeroPoint = this.registerModule('zeroPoint', new StatelessBuffer(scalar(0)));
    this.tensorClampImpl = this.registerModule('tensorClampImpl', deps.tensorClampImpl ?? new TensorClamp());
  }

  forward(x: Tensor): QuantOutput {
    const scale = this.scalingImpl.forward(x);
    const clamped = this.tensorClampImpl.forward(x, neg(scale), scale) as Tensor;
    return [mul(binarySignSte(clamped), scale), scale, this.zeroPoint.forward(), this.bitWidth.forward()];
  }
}

/** ±scale with no clamp (Brevitas's BinaryQuant, weights). */
export class BinaryQuant extends Module {
  static readonly dependencies = { scalingImpl: REQUIRED, signed: true };
  readonly scalingImpl: ScalingImpl;
  readonly bitWidth: BitWidthConst;
  readonly zeroPoint: StatelessBuffer;

  constructor(deps: { scalingImpl: ScalingImpl; signed: boolean }) {
    super();
    if (!deps.signed) throw new ConfigurationError('Unsigned binary quant not supported', { brevitasType: 'AssertionError' });
    this.scalingImpl = this.registerModule('scalingImpl', deps.scalingImpl);
    this.bitWidth = this.registerModule('bitWidth', new BitWidthConst(1));
    this.zeroPoint = this.registerModule('zeroPoint', new StatelessBuffer(scalar(0)));
  }

  forward(x: Tensor): QuantOutput {
    const scale = this.scalingImpl.forward(x);
    return [mul(binarySignSte(x), scale), scale, this.zeroPoint.forward(), this.bitWidth.forward()];
  }
}

/** {−scale, 0, scale}: zero where |x| ≤ threshold·scale (Brevitas's TernaryQuant). */
export class TernaryQuant extends Module {
  static readonly dependencies = { scalingImpl: REQUIRED, threshold: REQUIRED, quantDelaySteps: null };
  readonly scalingImpl: ScalingImpl;
  readonly threshold: number;
  readonly bitWidth: BitWidthConst;
  readonly zeroPoint: StatelessBuffer;
  readonly delayWrapper: DelayWrapper;

  constructor(deps: { scalingImpl: ScalingImpl; threshold: number; quantDelaySteps: number | null }) {
    super();
    this.scalingImpl = this.registerModule('scalingImpl', deps.scalingImpl);
    this.threshold = deps.threshold;
    this.bitWidth = this.registerModule('bitWidth', new BitWidthConst(2));
    this.zeroPoint = this.registerModule('zeroPoint', new StatelessBuffer(scalar(0)));
    this.delayWrapper = this.registerModule('delayWrapper', new DelayWrapper(deps.quantDelaySteps));
  }

  forward(x: Tensor): QuantOutput {
    const scale = this.scalingImpl.forward(x);
    const mask = cast(greater(abs(x), mul(scale, this.threshold)), 'float32');
    const y = mul(mul(mask, ternarySignSte(x)), scale);
    return [this.delayWrapper.forward(x, y), scale, this.zeroPoint.forward(), this.bitWidth.forward()];
  }
}
