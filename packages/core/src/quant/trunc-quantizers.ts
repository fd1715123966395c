/** Accumulator truncation quantizers (TruncAvgPool2d). */
import { quantizer } from '../inject/index.js';
import { BitWidthImplType, FloatToIntImplType, QuantType } from './enums.js';
import { TruncQuantSolver } from './solver/trunc.js';

/** 8 bits, keeping the most significant bits with floor. */
export const TruncTo8bit = quantizer('TruncTo8bit', TruncQuantSolver, {
  bitWidth: 8,
  quantType: QuantType.INT,
  bitWidthImplType: BitWidthImplType.CONST,
  floatToIntImplType: FloatToIntImplType.FLOOR,
});

/** 8 bits, keeping the most significant bits with rounding (TruncAvgPool2d's default). */
export const RoundTo8bit = quantizer('RoundTo8bit', TruncQuantSolver, {
  bitWidth: 8,
  quantType: QuantType.INT,
  bitWidthImplType: BitWidthImplType.CONST,
  floatToIntImplType: FloatToIntImplType.ROUND,
});
