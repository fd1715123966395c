/**
 * The 'one-step' comparison of the Brevitas fixtures, for backends whose float arithmetic is not
 * torch's bit for bit (GPUs): what may differ, by how much, and why.
 *
 * A WebGPU backend computes in WGSL, whose float32 accuracy rules (WGSL spec, "Floating Point
 * Accuracy") are: + − × correctly rounded; ÷ within 2.5 ulp; √ inherited from 1/inverseSqrt
 * (2 ulp); exp and exp2 within 3 + 2·|x| ulp; log and log2 within 3 ulp (2^-21 absolute near 1);
 * pow inherited from exp2(y·log2 x); tanh and sigmoid as the implementation builds them from exp.
 * A quantizer's scale is a short chain of such operations on an exact statistic (a selection or a
 * maximum of exact inputs): a division by the integer threshold, the EMA's multiply-adds, for the
 * power-of-two (fixed-point) scalings a log2, a ceil and a 2^k with |k| ≤ 16 (about 35 ulp from
 * exp2, 25 more from log2's error times k): some 70 ulp at worst. So scales, zero points and the
 * statistics modules' buffers and values compare within ρ = 256 ulp relative (2^-15 ≈ 3.1e-5),
 * several times that chain; a scale ρ off moves a value of an 8-bit grid by at most ρ·2^8 = 2^-7
 * of a step.
 *
 * The quantized values themselves are x / scale rounded half to even: a GPU division 2.5 ulp off,
 * or a scale ρ off, moves a value that sits at (or within ρ·2^b of) a rounding tie to the
 * neighbouring code. So:
 * - integer codes (`int()`) may differ by one: |Δcode| ≤ 1;
 * - dequantized values by one scale step plus the scale's error: |Δv| ≤ s·(1 + ρ) + ρ·|v|, with s
 *   the expected scale broadcast to the element (plus the accumulation tolerance after a float
 *   accumulation, as in the exact comparison);
 * - bit widths, signedness, training flags, validity, shapes and statistics counters are exact;
 * - a plain float output of a conv or linear layer within ρ of its largest element plus the
 *   suite's accumulation tolerance: its quantized weights are the same codes (no weight of these
 *   cases sits at a rounding tie, the assumption the exact comparison makes too), so only the
 *   float arithmetic differs.
 *
 * Validity and the integer codes are computed on the host ('host' integers, see compare.ts), not
 * taken from core. Core can give both on any backend (`isValidAsync()`, and `int()`, whose validity
 * check waits for the next read where the backend has no `readSync`), but it computes them on the
 * backend under test: on a GPU, value / scale + zeroPoint and its rounding would come from the same
 * arithmetic that produced the values, so core's check would judge the GPU's rounding against
 * itself. Here they are computed from the values read back, the way core defines them
 * (value / scale + zeroPoint in IEEE float32, within 0.2 of an integer, inside the bit width's
 * range), so what is compared is the integers of the backend's values.
 */
import type { IntQuantTensor } from '@parvus/core';
import { IS_VALID_ATOL } from '@parvus/core';
import type { HostTensor } from './decode.js';
import { broadcastIndex } from '../oracle64/array64.js';
import { roundHalfEven } from '../oracle64/elementwise.js';
import { read } from '../harness.js';

/** The stated tolerances of the 'one-step' comparison. */
export interface OneStepTolerance {
  /** Relative tolerance of scales, zero points and statistics (ρ above). */
  readonly rtol: number;
  /** Largest difference between integer codes. */
  readonly codes: number;
}

export const ONE_STEP: OneStepTolerance = { rtol: 2 ** -15, codes: 1 };

/** Whether a tensor of shape `from` broadcasts to `shape` (NumPy rules, without growing `shape`). */
export function broadcastsTo(from: readonly number[], shape: readonly number[]): boolean {
  const offset = shape.length - from.length;
  return offset >= 0 && from.every((d, a) => d === 1 || d === shape[a + offset]);
}

/**
 * `isValid` and `int()` of a QuantTensor from its host values, as core computes them: null
 * integers when it is not valid (or its fields do not broadcast).
 */
export function hostIntegers(value: HostTensor, scale: HostTensor, zeroPoint: HostTensor, bitWidth: HostTensor, signed: boolean): { isValid: boolean; intValue: HostTensor | null } {
  if (!broadcastsTo(scale.shape, value.shape) || !broadcastsTo(zeroPoint.shape, value.shape) || bitWidth.values.length !== 1) {
    return { isValid: false, intValue: null };
  }
  const scaleAt = broadcastIndex(scale.shape, value.shape);
  const zeroPointAt = broadcastIndex(zeroPoint.shape, value.shape);
  const n = value.values.length;
  const rounded = new Float64Array(n);
  let isInt = true;
  for (let i = 0; i < n; i++) {
    const pre = Math.fround(Math.fround((value.values[i] as number) / (scale.values[scaleAt[i] as number] as number)) + (zeroPoint.values[zeroPointAt[i] as number] as number));
    const r = roundHalfEven(pre);
    rounded[i] = r;
    if (!(Math.abs(Math.fround(pre - r)) < IS_VALID_ATOL)) isInt = false;
  }
  const bits = bitWidth.values[0] as number;
  let inRange: boolean;
  if (bits >= 2) {
    const upper = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const lower = signed ? -(2 ** (bits - 1)) : 0;
    inRange = rounded.every((r) => r <= upper && r >= lower);
  } else {
    // Binary: exactly two distinct integers, negative ones iff signed.
    const distinct = new Set(rounded);
    inRange = distinct.size === 2 && [...distinct].some((r) => r < 0) === signed;
  }
  const isValid = isInt && inRange;
  return { isValid, intValue: isValid ? { shape: value.shape, dtype: 'int32', values: Int32Array.from(rounded) } : null };
}

/** What `snapshotValue` needs of a QuantTensor, its validity and integers computed on the host. */
export async function readQuantFields(v: IntQuantTensor): Promise<{
  value: HostTensor;
  scale: HostTensor;
  zeroPoint: HostTensor;
  bitWidth: HostTensor;
  isValid: boolean;
  intValue: HostTensor | null;
}> {
  const value = await read(v.value);
  const scale = await read(v.scale);
  const zeroPoint = await read(v.zeroPoint);
  const bitWidth = await read(v.bitWidth);
  return { value, scale, zeroPoint, bitWidth, ...hostIntegers(value, scale, zeroPoint, bitWidth, v.signed) };
}
