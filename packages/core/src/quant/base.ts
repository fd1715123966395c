/** Brevitas's brevitas.quant.base: the fragments quantizers are composed of. */
import { fragment, link } from '../inject/index.js';
import * as core from '../quant-core/index.js';
import { BitWidthImplType, FloatToIntImplType, QuantType, RestrictValueType, ScalingImplType, ScalingPerOutputType, StatsOp } from './enums.js';

export const MaxStatsScaling = fragment('MaxStatsScaling', { scalingImplType: ScalingImplType.STATS, scalingStatsOp: StatsOp.MAX, scalingMinVal: 1e-10 });
export const MinMaxStatsScaling = fragment('MinMaxStatsScaling', { scalingImplType: ScalingImplType.STATS, scalingStatsOp: StatsOp.MIN_MAX, scalingMinVal: 1e-10 });
export const ParamFromRuntimePercentileScaling = fragment('ParamFromRuntimePercentileScaling', {
  scalingImplType: ScalingImplType.PARAMETER_FROM_STATS,
  scalingStatsOp: StatsOp.PERCENTILE,
  highPercentileQ: 99.999,
  collectStatsSteps: 300,
  scalingMinVal: 1e-10,
});
export const ParamFromRuntimeMinMaxScaling = fragment('ParamFromRuntimeMinMaxScaling', {
  scalingImplType: ScalingImplType.PARAMETER_FROM_STATS,
  scalingStatsOp: StatsOp.MIN_MAX,
  collectStatsSteps: 300,
  scalingMinVal: 1e-10,
});
export const ParamFromRuntimePercentileIntervalScaling = fragment('ParamFromRuntimePercentileIntervalScaling', {
  scalingImplType: ScalingImplType.PARAMETER_FROM_STATS,
  scalingStatsOp: StatsOp.PERCENTILE_INTERVAL,
  highPercentileQ: 99.999,
  lowPercentileQ: 0.001,
  collectStatsSteps: 300,
  scalingMinVal: 1e-10,
});
export const ParamMinMaxInitScaling = fragment('ParamMinMaxInitScaling', { scalingImplType: ScalingImplType.PARAMETER });

const intBase = { quantType: QuantType.INT, bitWidthImplType: BitWidthImplType.CONST, floatToIntImplType: FloatToIntImplType.ROUND };

export const IntQuant = fragment('IntQuant', { ...intBase, narrowRange: false, signed: true, zeroPointImpl: core.ZeroZeroPoint });
export const NarrowIntQuant = fragment('NarrowIntQuant', { ...intBase, narrowRange: true, signed: true, zeroPointImpl: core.ZeroZeroPoint });
export const UintQuant = fragment('UintQuant', { ...intBase, narrowRange: false, signed: false, zeroPointImpl: core.ZeroZeroPoint });
export const ShiftedMinUintQuant = fragment('ShiftedMinUintQuant', {
  ...intBase,
  narrowRange: false,
  signed: false,
  quantizeZeroPoint: true,
  zeroPointImpl: core.StatsFromParameterZeroPoint,
  zeroPointStatsImpl: core.NegativeMinOrZero,
  zeroPointShape: link('scalingShape'),
  zeroPointStatsInputViewShapeImpl: link('scalingStatsInputViewShapeImpl'),
  zeroPointStatsInputConcatDim: link('scalingStatsInputConcatDim'),
});
export const ShiftedParamFromPercentileUintQuant = fragment('ShiftedParamFromPercentileUintQuant', {
  ...intBase,
  narrowRange: false,
  signed: false,
  quantizeZeroPoint: true,
  zeroPointImpl: core.ParameterFromRuntimeZeroPoint,
  zeroPointStatsImpl: core.NegativePercentileOrZero,
  lowPercentileQ: 0.001,
  zeroPointShape: link('scalingShape'),
  zeroPointStatsInputViewShapeImpl: link('scalingStatsInputViewShapeImpl'),
});

export const PerChannelFloatScaling8bit = fragment('PerChannelFloatScaling8bit', { scalingPerOutputType: ScalingPerOutputType.CHANNEL, restrictScalingType: RestrictValueType.FP, bitWidth: 8 });
export const PerTensorFloatScaling8bit = fragment('PerTensorFloatScaling8bit', { scalingPerOutputType: ScalingPerOutputType.TENSOR, restrictScalingType: RestrictValueType.FP, bitWidth: 8 });
export const PerChannelPoTScaling8bit = fragment('PerChannelPoTScaling8bit', {
  scalingPerOutputType: ScalingPerOutputType.CHANNEL,
  restrictScalingType: RestrictValueType.POWER_OF_TWO,
  bitWidth: 8,
  restrictValueFloatToIntImpl: core.CeilSte,
});
export const PerTensorPoTScaling8bit = fragment('PerTensorPoTScaling8bit', {
  scalingPerOutputType: ScalingPerOutputType.TENSOR,
  restrictScalingType: RestrictValueType.POWER_OF_TWO,
  bitWidth: 8,
  restrictValueFloatToIntImpl: core.CeilSte,
});
export const SignedBinaryClampedConst = fragment('SignedBinaryClampedConst', {
  tensorQuant: core.ClampedBinaryQuant,
  scalingImplType: ScalingImplType.CONST,
  restrictScalingType: RestrictValueType.FP,
  floatToIntImplType: FloatToIntImplType.ROUND,
  scalingPerOutputType: ScalingPerOutputType.TENSOR,
  narrowRange: true,
  signed: true,
});
export const PerTensorConstScaling2bit = fragment('PerTensorConstScaling2bit', {
  scalingImplType: ScalingImplType.CONST,
  restrictScalingType: RestrictValueType.FP,
  scalingPerOutputType: ScalingPerOutputType.TENSOR,
  bitWidth: 2,
});
