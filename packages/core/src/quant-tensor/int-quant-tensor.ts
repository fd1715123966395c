/**
 * Brevitas's IntQuantTensor: a dequantized value with the scale, zero point, bit width and
 * signedness that produced it. value = (int − zeroPoint) · scale.
 */
import type { Tensor } from '../engine/tensor.js';
import { TENSOR_CONTAINER, engine } from '../engine/engine.js';
import type { TensorContainer } from '../engine/engine.js';
import { knownValue, noGrad, tidy } from '../engine/op.js';
import { QuantTensorError } from '../errors/errors.js';
import { add, div, mul, sub, lessEqual, equal } from '../ops/binary.js';
import { abs, log2, relu, round } from '../ops/unary.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import type { AvgPool2DOptions, MaxPool2DOptions } from '../ops/pool.js';
import { dropout } from '../ops/dropout.js';
import type { Generator } from '../random/generator.js';
import { max, min } from '../ops/reduction.js';
import { cast, logicalOr } from '../ops/selection.js';
import { concat, flatten, reshape, squeeze, unsqueeze } from '../ops/shape.js';
import { scalar } from '../ops/creation.js';
import { ceilSte, roundSte } from '../function/ops-ste.js';
import { maxInt, minInt } from '../function/ops.js';

/** Brevitas's tolerance for a value to count as integer in `isValid`. */
export const IS_VALID_ATOL = 0.2;

export class IntQuantTensor implements TensorContainer {
  constructor(
    readonly value: Tensor,
    readonly scale: Tensor,
    readonly zeroPoint: Tensor,
    readonly bitWidth: Tensor,
    readonly signed: boolean,
    readonly training: boolean,
  ) {}

  [TENSOR_CONTAINER](): readonly Tensor[] {
    return [this.value, this.scale, this.zeroPoint, this.bitWidth];
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }

  /** A copy with some fields replaced (Brevitas's `set`). */
  with(fields: Partial<Pick<IntQuantTensor, 'value' | 'scale' | 'zeroPoint' | 'bitWidth' | 'signed' | 'training'>>): IntQuantTensor {
    return new IntQuantTensor(
      fields.value ?? this.value,
      fields.scale ?? this.scale,
      fields.zeroPoint ?? this.zeroPoint,
      fields.bitWidth ?? this.bitWidth,
      fields.signed ?? this.signed,
      fields.training ?? this.training,
    );
  }

  private preRoundIntValue(): Tensor {
    return add(div(this.value, this.scale), this.zeroPoint);
  }

  /**
   * What `isValid` decides from, as one float32 vector read back at once: [largest distance of
   * value / scale + zeroPoint to an integer, bit width, smallest and largest rounded value, 1 when
   * every rounded value is one of those two].
   */
  private validityEvidence(): Tensor {
    return tidy(() =>
      noGrad(() => {
        const pre = this.preRoundIntValue();
        const rounded = round(pre);
        const lowest = min(rounded);
        const highest = max(rounded);
        const twoValued = min(cast(logicalOr(equal(rounded, lowest), equal(rounded, highest)), 'float32'));
        const parts = [max(abs(sub(pre, rounded))), this.bitWidth, lowest, highest, twoValued];
        return concat(parts.map((t) => reshape(cast(t, 'float32'), [1])), 0);
      }),
    );
  }

  /**
   * Whether value / scale + zeroPoint is integer (within 0.2, as Brevitas checks) and inside the
   * range of the bit width and signedness; a binary tensor must hold exactly two integers, negative
   * ones iff signed. Reads back five scalars synchronously; `isValidAsync` reads them with `data()`.
   */
  get isValid(): boolean {
    const evidence = this.validityEvidence();
    try {
      return this.decideValid(evidence.dataSync());
    } finally {
      evidence.dispose();
    }
  }

  /** `isValid` for backends that cannot read synchronously (WebGPU, browsers). */
  async isValidAsync(): Promise<boolean> {
    const evidence = this.validityEvidence();
    try {
      return this.decideValid(await evidence.data());
    } finally {
      evidence.dispose();
    }
  }

  private decideValid(evidence: ArrayLike<number>): boolean {
    const [distance, bitWidth, lowest, highest, twoValued] = Array.from(evidence) as [number, number, number, number, number];
    const isInt = distance < IS_VALID_ATOL;
    if (bitWidth >= 2) {
      const upper = this.signed ? 2 ** (bitWidth - 1) - 1 : 2 ** bitWidth - 1;
      const lower = this.signed ? -(2 ** (bitWidth - 1)) : 0;
      return isInt && highest <= upper && lowest >= lower;
    }
    // Binary: exactly two distinct integers, negative ones iff signed.
    return isInt && lowest !== highest && twoValued === 1 && (lowest < 0) === this.signed;
  }

  /**
   * The integer representation round(value / scale + zeroPoint) as int32 (Brevitas's `int()`);
   * an invalid QuantTensor throws, at once where the backend reads synchronously, else at the next
   * read (Engine.check).
   */
  int(floatDatatype = false): Tensor {
    engine().check(this.validityEvidence(), (evidence) =>
      this.decideValid(evidence) ? null : new QuantTensorError('QuantTensor not valid.', { brevitasType: 'RuntimeError' }));
    return this.intValue(floatDatatype);
  }

  private intValue(floatDatatype: boolean): Tensor {
    return tidy(() => {
      const intValue = roundSte(this.preRoundIntValue());
      return floatDatatype ? intValue : cast(intValue, 'int32');
    });
  }

  private checkScalingFactorsSame(other: IntQuantTensor): void {
    if (this.training) return;
    checkAllClose(this.scale, other.scale, 'Scaling factors are different');
  }

  private checkZeroPointsSame(other: IntQuantTensor): void {
    if (this.training) return;
    checkAllClose(this.zeroPoint, other.zeroPoint, 'Zero points are different');
  }

  /**
   * Sum. Two QuantTensors: scale (sa + sb)/2, zero point za + zb, bit width
   * ceil(log2(range_a + range_b)); in eval the scales must match. A float tensor or number shifts
   * the zero point (zp − t / scale), so the result stays a QuantTensor.
   */
  add(other: IntQuantTensor | Tensor | number): IntQuantTensor {
    if (other instanceof IntQuantTensor) {
      this.checkScalingFactorsSame(other);
      const maxVal = add(maxInt(this.signed, false, this.bitWidth), maxInt(other.signed, false, other.bitWidth));
      const minVal = add(minInt(this.signed, false, this.bitWidth), minInt(other.signed, false, other.bitWidth));
      return new IntQuantTensor(
        add(this.value, other.value),
        div(add(this.scale, other.scale), 2),
        add(this.zeroPoint, other.zeroPoint),
        ceilSte(log2(sub(maxVal, minVal))),
        this.signed || other.signed,
        this.training || other.training,
      );
    }
    const t = typeof other === 'number' ? scalar(other) : other;
    return this.with({ value: add(this.value, t), zeroPoint: sub(this.zeroPoint, div(t, this.scale)) });
  }

  /**
   * Product. Two QuantTensors: scale sa·sb, bit width ba + bb; both zero points must be 0.
   * Anything else gives a plain tensor (the metadata does not survive).
   */
  mul(other: IntQuantTensor | Tensor | number): IntQuantTensor | Tensor {
    if (other instanceof IntQuantTensor) {
      checkZero([this.zeroPoint, other.zeroPoint], 'Zero-points of mul operands are non-zero, not supported.');
      return new IntQuantTensor(
        mul(this.value, other.value),
        mul(this.scale, other.scale),
        mul(this.zeroPoint, other.zeroPoint),
        add(this.bitWidth, other.bitWidth),
        this.signed || other.signed,
        this.training || other.training,
      );
    }
    return mul(this.value, other);
  }

  /** Concatenation: in train mode scale, zero point and bit width are averaged; in eval they must match. */
  static cat(tensors: readonly IntQuantTensor[], axis = 0): IntQuantTensor {
    const first = tensors[0];
    if (!first) throw new QuantTensorError('cat needs at least one QuantTensor.');
    if (tensors.length === 1) return first;
    for (const qt of tensors.slice(1)) {
      first.checkScalingFactorsSame(qt);
      first.checkZeroPointsSame(qt);
      checkAllClose(first.bitWidth, qt.bitWidth, 'Bit widths are different');
      if (first.signed !== qt.signed) throw new QuantTensorError('Signs are different', { brevitasType: 'RuntimeError' });
    }
    const value = concat(tensors.map((qt) => qt.value), axis);
    const training = tensors.some((qt) => qt.training);
    if (!training) return first.with({ value });
    const average = (pick: (qt: IntQuantTensor) => Tensor): Tensor =>
      div(tensors.slice(1).reduce((acc, qt) => add(acc, pick(qt)), pick(first)), tensors.length);
    return new IntQuantTensor(value, average((qt) => qt.scale), average((qt) => qt.zeroPoint), average((qt) => qt.bitWidth), first.signed, training);
  }

  reshape(shape: readonly number[]): IntQuantTensor {
    return this.with({ value: reshape(this.value, shape) });
  }

  flatten(startDim = 0, endDim = -1): IntQuantTensor {
    return this.with({ value: flatten(this.value, startDim, endDim) });
  }

  /**
   * `fn` applied to the value, the metadata kept: for functions that commute with quantization
   * (max pooling, relu, reshapes), as Brevitas's quant_invariant_handler.
   */
  quantInvariant(fn: (value: Tensor) => Tensor): IntQuantTensor {
    return this.with({ value: fn(this.value) });
  }

  /** torch.nn.functional.max_pool2d on a QuantTensor: codes are compared, metadata kept. */
  maxPool2d(kernelSize: number | readonly [number, number], options: MaxPool2DOptions = {}): IntQuantTensor {
    return this.quantInvariant((v) => maxPool2d(v, kernelSize, options));
  }

  /** torch.nn.functional.relu on a QuantTensor: metadata kept (a signed tensor stays signed). */
  relu(): IntQuantTensor {
    return this.quantInvariant(relu);
  }

  /**
   * torch.nn.functional.dropout on a QuantTensor, as Brevitas does it: the identity when not
   * training; when training the value is dropped out and scaled by 1/(1 − p) and the metadata is
   * kept unchanged (so the result is no longer on its grid; Brevitas 0.12.1 does the same).
   */
  dropout(p: number, training: boolean, generator?: Generator): IntQuantTensor {
    if (!training) return this;
    return this.quantInvariant((v) => dropout(v, p, generator));
  }

  /**
   * torch.nn.functional.avg_pool2d on a QuantTensor (Brevitas's handler): the average of k
   * codes on a grid of scale / k with k the kernel area, and the bit width of their sum,
   * ceil(log2(maxUint(bitWidth) · k)).
   */
  avgPool2d(kernelSize: number | readonly [number, number], options: AvgPool2DOptions = {}): IntQuantTensor {
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    const area = kh * kw;
    return new IntQuantTensor(
      // Unbatched [C, H, W] as the float layer takes it.
      this.value.rank === 3 ? squeeze(avgPool2d(unsqueeze(this.value, 0), kernelSize, options), 0) : avgPool2d(this.value, kernelSize, options),
      div(this.scale, area),
      this.zeroPoint,
      ceilSte(log2(mul(maxInt(false, false, this.bitWidth), area))),
      this.signed,
      this.training,
    );
  }

  /** The tensors it holds, detached from the graph. */
  detach(): IntQuantTensor {
    return new IntQuantTensor(...(this[TENSOR_CONTAINER]().map((t) => t.detach()) as [Tensor, Tensor, Tensor, Tensor]), this.signed, this.training);
  }

  dispose(): void {
    for (const t of new Set(this[TENSOR_CONTAINER]())) t.dispose();
  }

  toString(): string {
    return `IntQuantTensor(value=${this.value.toString()}, scale=${this.scale.toString()}, zeroPoint=${this.zeroPoint.toString()}, bitWidth=${this.bitWidth.toString()}, signed=${this.signed}, training=${this.training})`;
  }
}

/** torch.allclose(a, b) with its defaults (rtol 1e-5, atol 1e-8), broadcasting, as an int32 scalar 1 or 0. */
export function allCloseTensor(a: Tensor, b: Tensor): Tensor {
  return tidy(() =>
    noGrad(() => {
      const diff = abs(sub(a, b));
      const bound = add(mul(abs(b), 1e-5), 1e-8);
      return min(cast(lessEqual(diff, bound), 'int32'));
    }),
  );
}

/** Brevitas's RuntimeError unless torch.allclose(a, b); the same tensor is decided without a read. */
function checkAllClose(a: Tensor, b: Tensor, message: string): void {
  if (a === b) return;
  engine().check(allCloseTensor(a, b), ([close]) => (close === 1 ? null : new QuantTensorError(message, { brevitasType: 'RuntimeError' })));
}

/** Brevitas's RuntimeError unless every tensor is all zeros (no read for a zero point made from a number). */
function checkZero(tensors: readonly Tensor[], message: string): void {
  const unknown = tensors.filter((t) => knownValue(t) !== 0);
  if (unknown.some((t) => knownValue(t) !== undefined)) throw new QuantTensorError(message, { brevitasType: 'RuntimeError' });
  if (unknown.length === 0) return;
  const evidence = tidy(() => noGrad(() => min(concat(unknown.map((t) => reshape(cast(equal(t, 0), 'int32'), [-1])), 0))));
  engine().check(evidence, ([zero]) => (zero === 1 ? null : new QuantTensorError(message, { brevitasType: 'RuntimeError' })));
}

/** Strip QuantTensor metadata: the plain value. */
export function unpackQuantTensor(x: Tensor | IntQuantTensor): Tensor {
  return x instanceof IntQuantTensor ? x.value : x;
}
