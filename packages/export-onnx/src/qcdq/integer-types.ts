/** The integer element types QuantizeLinear / DequantizeLinear take, by opset. */
import type { OnnxElementType } from '../graph/ir.js';

export interface IntegerType {
  readonly type: OnnxElementType;
  readonly min: number;
  readonly max: number;
}

export const INT8: IntegerType = { type: 'int8', min: -128, max: 127 };
export const UINT8: IntegerType = { type: 'uint8', min: 0, max: 255 };
export const INT16: IntegerType = { type: 'int16', min: -32768, max: 32767 };
export const UINT16: IntegerType = { type: 'uint16', min: 0, max: 65535 };
export const INT32: IntegerType = { type: 'int32', min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Opset from which QuantizeLinear / DequantizeLinear take 16-bit integers. */
export const SIXTEEN_BIT_SINCE = 21;

function fits(type: IntegerType, quantMin: number, quantMax: number, zeroPoints: ArrayLike<number>): boolean {
  if (quantMin < type.min || quantMax > type.max) return false;
  for (let i = 0; i < zeroPoints.length; i++) {
    const z = zeroPoints[i] as number;
    if (z < type.min || z > type.max) return false;
  }
  return true;
}

/**
 * The type of a quantized activation: int8/uint8 as the quantizer is signed or not (16-bit from
 * opset 21). QuantizeLinear saturates to the type; a narrower range is clipped after it.
 */
export function activationType(quantMin: number, quantMax: number, zeroPoints: ArrayLike<number>, opset: number): IntegerType | null {
  const candidates = quantMin < 0 ? [INT8, INT16] : [UINT8, UINT16];
  return candidates.find((t) => (t.max <= 255 || opset >= SIXTEEN_BIT_SINCE) && fits(t, quantMin, quantMax, zeroPoints)) ?? null;
}

/**
 * The type of a quantized constant: the smallest of int8, uint8, (int16, uint16 from opset 21),
 * int32 that holds the quantizer's range; int32 only with zero points of 0 (DequantizeLinear's
 * rule for int32).
 */
export function constantType(quantMin: number, quantMax: number, zeroPoints: ArrayLike<number>, opset: number): IntegerType | null {
  const candidates = [INT8, UINT8, ...(opset >= SIXTEEN_BIT_SINCE ? [INT16, UINT16] : [])];
  const small = candidates.find((t) => fits(t, quantMin, quantMax, zeroPoints));
  if (small) return small;
  const allZero = Array.prototype.every.call(zeroPoints, (z: number) => z === 0);
  return allZero && fits(INT32, quantMin, quantMax, zeroPoints) ? INT32 : null;
}
