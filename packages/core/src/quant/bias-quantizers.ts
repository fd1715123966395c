/** Bias quantizers of Brevitas's catalogue. */
import { quantizer } from '../inject/index.js';
import * as core from '../quant-core/index.js';
import { IntQuant, MaxStatsScaling, PerTensorFloatScaling8bit, PerTensorPoTScaling8bit } from './base.js';
import { BiasQuantSolver } from './solver/bias.js';

/** Scale = input scale × weight scale; bit width from the accumulator's. */
export const IntBias = quantizer('IntBias', IntQuant, BiasQuantSolver, {
  tensorClampImpl: core.TensorClamp,
  requiresInputScale: true,
  requiresInputBitWidth: true,
});
export const Int8Bias = quantizer('Int8Bias', IntBias, { bitWidth: 8, requiresInputBitWidth: false });
export const Int16Bias = quantizer('Int16Bias', IntBias, { bitWidth: 16, requiresInputBitWidth: false });
export const Int24Bias = quantizer('Int24Bias', IntBias, { bitWidth: 24, requiresInputBitWidth: false });
export const Int32Bias = quantizer('Int32Bias', IntBias, { bitWidth: 32, requiresInputBitWidth: false });

/** A bias with its own per-tensor float scale from max |bias| / 128. */
export const Int8BiasPerTensorFloatInternalScaling = quantizer('Int8BiasPerTensorFloatInternalScaling', IntQuant, MaxStatsScaling, PerTensorFloatScaling8bit, BiasQuantSolver, {
  requiresInputScale: false,
  requiresInputBitWidth: false,
});

/** A bias with its own power-of-two scale. */
export const Int8BiasPerTensorFixedPointInternalScaling = quantizer('Int8BiasPerTensorFixedPointInternalScaling', IntQuant, MaxStatsScaling, PerTensorPoTScaling8bit, BiasQuantSolver, {
  requiresInputScale: false,
  requiresInputBitWidth: false,
});
