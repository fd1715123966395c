/** Weight quantizers of Brevitas's catalogue, composed as Brevitas composes them. */
import { quantizer } from '../inject/index.js';
import { InplaceTensorClampSte } from '../quant-core/inplace-tensor-clamp.js';
import {
  MaxStatsScaling,
  MinMaxStatsScaling,
  NarrowIntQuant,
  PerChannelFloatScaling8bit,
  PerChannelPoTScaling8bit,
  PerTensorConstScaling2bit,
  PerTensorFloatScaling8bit,
  PerTensorPoTScaling8bit,
  ShiftedMinUintQuant,
  SignedBinaryClampedConst,
} from './base.js';
import { WeightQuantSolver } from './solver/weight.js';

export const Int8WeightPerTensorFloat = quantizer('Int8WeightPerTensorFloat', NarrowIntQuant, MaxStatsScaling, PerTensorFloatScaling8bit, WeightQuantSolver);
export const Int8WeightPerChannelFloat = quantizer('Int8WeightPerChannelFloat', NarrowIntQuant, MaxStatsScaling, PerChannelFloatScaling8bit, WeightQuantSolver);
export const Int8WeightPerTensorFixedPoint = quantizer('Int8WeightPerTensorFixedPoint', NarrowIntQuant, MaxStatsScaling, PerTensorPoTScaling8bit, WeightQuantSolver);
export const Int8WeightPerChannelFixedPoint = quantizer('Int8WeightPerChannelFixedPoint', NarrowIntQuant, MaxStatsScaling, PerChannelPoTScaling8bit, WeightQuantSolver);
export const ShiftedUint8WeightPerTensorFloat = quantizer('ShiftedUint8WeightPerTensorFloat', ShiftedMinUintQuant, MinMaxStatsScaling, PerTensorFloatScaling8bit, WeightQuantSolver);
export const ShiftedUint8WeightPerChannelFloat = quantizer('ShiftedUint8WeightPerChannelFloat', ShiftedMinUintQuant, MinMaxStatsScaling, PerChannelFloatScaling8bit, WeightQuantSolver);

/** ±0.1, clipping the layer's weight itself to ±0.1 (Brevitas's "inplace clipping to the scale"). */
export const SignedBinaryWeightPerTensorConst = quantizer('SignedBinaryWeightPerTensorConst', SignedBinaryClampedConst, WeightQuantSolver, {
  tensorClampImpl: InplaceTensorClampSte,
  scalingConst: 0.1,
});

/** {−0.1, 0, 0.1}: 2-bit narrow integers with a constant scale of 0.1. */
export const SignedTernaryWeightPerTensorConst = quantizer('SignedTernaryWeightPerTensorConst', NarrowIntQuant, PerTensorConstScaling2bit, WeightQuantSolver, {
  tensorClampImpl: InplaceTensorClampSte,
  scalingConst: 0.1,
});
