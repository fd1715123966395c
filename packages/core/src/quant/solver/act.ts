/** Brevitas's brevitas.quant.solver.act: activation quantizers' enums to building blocks. */
import { REQUIRED, computed, fragment, link } from '../../inject/index.js';
import { ConfigurationError } from '../../errors/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import * as core from '../../quant-core/index.js';
import { QuantType, ScalingImplType, ScalingPerOutputType, isMember } from '../enums.js';
import {
  SolveBitWidthImplFromEnum,
  SolveInputViewImpl,
  SolveIntQuantFromEnum,
  SolveIntScalingImplFromEnum,
  SolveRestrictScalingImplFromEnum,
  SolveScaleSignedness,
  SolveScalingStatsInputViewShapeImplFromEnum,
  SolveScalingStatsOpFromEnum,
  SolveStatsReduceDimFromEnum,
  SolveTensorQuantFloatToIntImplFromEnum,
} from './common.js';

/** Python's float(x), with its TypeError for None (Brevitas calls float(min_val)). */
function pythonFloat(value: unknown): number {
  if (value === null || value === undefined) {
    throw new ConfigurationError("float() argument must be a string or a real number, not 'NoneType'", { brevitasType: 'TypeError' });
  }
  return Number(value);
}

/** The initial scale max(|minVal|, |maxVal|) of min/max-initialised quantizers. */
export class MinMaxScalingInit {
  static readonly dependencies = { minVal: REQUIRED, maxVal: REQUIRED };
  readonly scalingInit: number;

  constructor(deps: { minVal: unknown; maxVal: unknown }) {
    this.scalingInit = Math.max(Math.abs(pythonFloat(deps.minVal)), Math.abs(pythonFloat(deps.maxVal)));
  }
}

export const SolveActScalingImplFromEnum = fragment('SolveActScalingImplFromEnum', {
  scalingImpl: computed({ scalingImplType: REQUIRED }, ({ scalingImplType }) => {
    if (scalingImplType === null) return null;
    if (isMember(scalingImplType, ScalingImplType.PARAMETER)) return core.ParameterScaling;
    if (isMember(scalingImplType, ScalingImplType.PARAMETER_FROM_STATS)) return core.ParameterFromRuntimeStatsScaling;
    if (isMember(scalingImplType, ScalingImplType.CONST)) return core.ConstScaling;
    throw new ConfigurationError(`${String(scalingImplType)} is not supported for activations.`, { brevitasType: 'RuntimeError' });
  }),
});

export const SolveActTensorQuantFromEnum = fragment('SolveActTensorQuantFromEnum', {
  tensorQuant: computed({ quantType: REQUIRED }, ({ quantType }) => {
    if (isMember(quantType, QuantType.FP)) return null;
    if (isMember(quantType, QuantType.INT)) return core.RescalingIntQuant;
    if (isMember(quantType, QuantType.TERNARY)) return core.TernaryQuant;
    if (isMember(quantType, QuantType.BINARY)) return core.ClampedBinaryQuant;
    throw new ConfigurationError(`${String(quantType)} not recognized.`, { brevitasType: 'RuntimeError' });
  }),
}, SolveIntQuantFromEnum);

export const SolveActScalingInitFromEnum = fragment('SolveActScalingInitFromEnum', {
  scalingInit: computed({ scalingInitImpl: REQUIRED }, ({ scalingInitImpl }: { scalingInitImpl: MinMaxScalingInit | number | Tensor }) =>
    scalingInitImpl instanceof MinMaxScalingInit ? new core.TensorInit(scalingInitImpl.scalingInit) : scalingInitImpl),
  scalingInitImpl: computed({ scalingImplType: REQUIRED }, ({ scalingImplType }) =>
    isMember(scalingImplType, ScalingImplType.CONST) || isMember(scalingImplType, ScalingImplType.PARAMETER) ? MinMaxScalingInit : null),
  minVal: computed({ signed: REQUIRED }, ({ signed }) => (signed ? null : 0)),
});

export const SolveActScalingShape = fragment('SolveActScalingShape', {
  scalingShape: computed({ scalingPerOutput: REQUIRED }, ({ scalingPerOutput }) =>
    isMember(scalingPerOutput, ScalingPerOutputType.CHANNEL) ? link('perChannelBroadcastableShape') : []),
});

/** Put last in an activation quantizer: translates its enums into building blocks. */
export const ActQuantSolver = fragment(
  'ActQuantSolver',
  {},
  SolveActTensorQuantFromEnum,
  SolveActScalingImplFromEnum,
  SolveIntScalingImplFromEnum,
  SolveBitWidthImplFromEnum,
  SolveTensorQuantFloatToIntImplFromEnum,
  SolveScalingStatsOpFromEnum,
  SolveRestrictScalingImplFromEnum,
  SolveActScalingInitFromEnum,
  SolveStatsReduceDimFromEnum,
  SolveActScalingShape,
  SolveScalingStatsInputViewShapeImplFromEnum,
  SolveScaleSignedness,
  SolveInputViewImpl,
);
