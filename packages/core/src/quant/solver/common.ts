/**
 * Brevitas's brevitas.quant.solver.common: fragments that translate enum-valued attributes into
 * building blocks. Solvers go last in a quantizer, so overrides made earlier are seen.
 */
import { REQUIRED, computed, fragment, link } from '../../inject/index.js';
import { Tensor } from '../../engine/tensor.js';
import { hostScalar } from '../../engine/op.js';
import { ConfigurationError } from '../../errors/errors.js';
import * as core from '../../quant-core/index.js';
import type { Injectable } from '../../inject/declarations.js';
import { BitWidthImplType, FloatToIntImplType, QuantType, RestrictValueType, ScalingImplType, ScalingPerOutputType, StatsOp, isMember } from '../enums.js';

function unknown(kind: string, value: unknown): ConfigurationError {
  return new ConfigurationError(`${String(value)} is not a recognised ${kind}.`, { brevitasType: 'RuntimeError' });
}

export function solveFloatToIntImplFromEnum(implType: unknown): Injectable {
  if (isMember(implType, FloatToIntImplType.ROUND)) return core.RoundSte;
  if (isMember(implType, FloatToIntImplType.FLOOR)) return core.FloorSte;
  if (isMember(implType, FloatToIntImplType.CEIL)) return core.CeilSte;
  throw unknown('floatToIntImplType', implType);
}

export function solveBitWidthImplFromEnum(implType: unknown): Injectable {
  if (isMember(implType, BitWidthImplType.CONST)) return core.BitWidthConst;
  if (isMember(implType, BitWidthImplType.PARAMETER)) return core.BitWidthParameter;
  throw unknown('bitWidthImplType', implType);
}

export function solveRestrictValueImplFromEnum(implType: unknown): Injectable {
  if (isMember(implType, RestrictValueType.FP)) return core.FloatRestrictValue;
  if (isMember(implType, RestrictValueType.LOG_FP)) return core.LogFloatRestrictValue;
  if (isMember(implType, RestrictValueType.POWER_OF_TWO)) return core.PowerOfTwoRestrictValue;
  throw unknown('restrictScalingType', implType);
}

export const SolveRestrictScalingImplFromEnum = fragment('SolveRestrictScalingImplFromEnum', {
  restrictScalingImpl: computed({ restrictScalingType: REQUIRED }, ({ restrictScalingType }) => solveRestrictValueImplFromEnum(restrictScalingType)),
});

export const SolveBitWidthImplFromEnum = fragment('SolveBitWidthImplFromEnum', {
  bitWidthImpl: computed({ bitWidthImplType: REQUIRED }, ({ bitWidthImplType }) => solveBitWidthImplFromEnum(bitWidthImplType)),
});

export const SolveScalingStatsOpFromEnum = fragment('SolveScalingStatsOpFromEnum', {
  scalingStatsImpl: computed({ scalingStatsOp: null }, ({ scalingStatsOp }: { scalingStatsOp: unknown }) => {
    if (scalingStatsOp === null) return null;
    if (isMember(scalingStatsOp, StatsOp.MAX)) return core.AbsMax;
    if (isMember(scalingStatsOp, StatsOp.PERCENTILE)) return core.AbsPercentile;
    if (isMember(scalingStatsOp, StatsOp.MIN_MAX)) return core.AbsMinMax;
    if (isMember(scalingStatsOp, StatsOp.PERCENTILE_INTERVAL)) return core.PercentileInterval;
    throw unknown('scalingStatsOp', scalingStatsOp);
  }),
});

export const SolveIntQuantFromEnum = fragment('SolveIntQuantFromEnum', {
  intQuant: computed({ quantType: REQUIRED }, ({ quantType }) => (isMember(quantType, QuantType.INT) ? core.IntQuant : null)),
});

export const SolveTensorQuantFloatToIntImplFromEnum = fragment('SolveTensorQuantFloatToIntImplFromEnum', {
  floatToIntImpl: computed({ floatToIntImplType: REQUIRED }, ({ floatToIntImplType }) => solveFloatToIntImplFromEnum(floatToIntImplType)),
});

export const SolveIntScalingImplFromEnum = fragment('SolveIntScalingImplFromEnum', {
  intScalingImpl: computed({ restrictScalingType: REQUIRED }, ({ restrictScalingType }) => {
    if (isMember(restrictScalingType, RestrictValueType.FP) || isMember(restrictScalingType, RestrictValueType.LOG_FP)) return core.IntScaling;
    if (isMember(restrictScalingType, RestrictValueType.POWER_OF_TWO)) return core.PowerOfTwoIntScaling;
    throw unknown('restrictScalingType', restrictScalingType);
  }),
});

export const SolveStatsReduceDimFromEnum = fragment('SolveStatsReduceDimFromEnum', {
  statsReduceDim: computed({ scalingStatsOp: REQUIRED, scalingPerOutput: REQUIRED }, ({ scalingStatsOp, scalingPerOutput }) =>
    isMember(scalingPerOutput, ScalingPerOutputType.CHANNEL) || isMember(scalingStatsOp, StatsOp.MAX_AVE) ? core.SCALING_STATS_REDUCE_DIM : null),
  keepdim: false,
  // The boolean flag wins over the enum, as in Brevitas.
  scalingPerOutput: computed({ scalingPerOutputType: null, scalingPerOutputChannel: null }, ({ scalingPerOutputType, scalingPerOutputChannel }) => {
    if (scalingPerOutputChannel !== null) return scalingPerOutputChannel ? ScalingPerOutputType.CHANNEL : ScalingPerOutputType.TENSOR;
    return scalingPerOutputType;
  }),
});

export const SolveScalingStatsInputViewShapeImplFromEnum = fragment('SolveScalingStatsInputViewShapeImplFromEnum', {
  scalingStatsInputViewShapeImpl: computed({ scalingStatsOp: REQUIRED, scalingPerOutput: REQUIRED }, ({ scalingStatsOp, scalingPerOutput }) =>
    isMember(scalingPerOutput, ScalingPerOutputType.CHANNEL) || isMember(scalingStatsOp, StatsOp.MAX_AVE) ? core.OverOutputChannelView : core.OverTensorView),
  permuteDims: computed({ scalingStatsPermuteDims: REQUIRED }, ({ scalingStatsPermuteDims }) => scalingStatsPermuteDims),
});

export const SolveScaleSignedness = fragment('SolveScaleSignedness', {
  isScaleUnsigned: computed(
    { scalingImplType: REQUIRED, scalingStatsImpl: null, scalingInit: null, forceSignedScale: false },
    ({ scalingImplType, scalingInit, forceSignedScale }: { scalingImplType: unknown; scalingInit: unknown; forceSignedScale: boolean }) => {
      if ([ScalingImplType.STATS, ScalingImplType.AFFINE_STATS, ScalingImplType.PARAMETER_FROM_STATS].some((m) => isMember(scalingImplType, m))) {
        // Every statistic Parvus implements is unsigned.
        return true;
      }
      const negative = typeof scalingInit === 'number' ? scalingInit < 0
        : scalingInit instanceof core.TensorInit ? scalingInit.value < 0
          : scalingInit instanceof Tensor && hostScalar(scalingInit) < 0;
      return !(forceSignedScale || negative);
    },
  ),
});

/** Integer quantizers of activations and weights quantize the input as it is (no group view). */
export const SolveInputViewImpl = fragment('SolveInputViewImpl', {
  inputViewImpl: core.Identity,
});

/** The per-channel shape, when per-channel scaling is on (Brevitas's `this.per_channel_broadcastable_shape`). */
export const perChannelBroadcastableShape = link('perChannelBroadcastableShape');
