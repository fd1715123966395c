/** Brevitas's brevitas.quant.solver.parameter: what weight and bias quantizers share. */
import { REQUIRED, computed, fragment, link } from '../../inject/index.js';
import { ConfigurationError } from '../../errors/errors.js';
import * as core from '../../quant-core/index.js';
import { BitWidthImplType, ScalingImplType, ScalingPerOutputType, isMember } from '../enums.js';

/** The initial scale of constant and learned parameter scales: `scalingConst`. */
export class ScalingConstInit {
  static readonly dependencies = { scalingConst: REQUIRED };
  readonly scalingInit: number;

  constructor(deps: { scalingConst: number }) {
    this.scalingInit = deps.scalingConst;
  }
}

/** Learned scales and bit widths need the true clamp gradient; fixed ones pass it straight through. */
export const SolveParameterTensorClampImplFromEnum = fragment('SolveParameterTensorClampImplFromEnum', {
  tensorClampImpl: computed({ bitWidthImplType: REQUIRED, scalingImplType: REQUIRED }, ({ bitWidthImplType, scalingImplType }) =>
    isMember(bitWidthImplType, BitWidthImplType.PARAMETER) || [ScalingImplType.AFFINE_STATS, ScalingImplType.PARAMETER_FROM_STATS, ScalingImplType.PARAMETER].some((m) => isMember(scalingImplType, m))
      ? core.TensorClamp
      : core.TensorClampSte),
});

export const SolveParameterScalingInitFromEnum = fragment('SolveParameterScalingInitFromEnum', {
  scalingInit: computed({ scalingInitImpl: REQUIRED }, ({ scalingInitImpl }: { scalingInitImpl: ScalingConstInit | null }) => scalingInitImpl?.scalingInit ?? null),
  scalingInitImpl: computed({ scalingImplType: REQUIRED }, ({ scalingImplType }) =>
    isMember(scalingImplType, ScalingImplType.CONST) || isMember(scalingImplType, ScalingImplType.PARAMETER) ? ScalingConstInit : null),
});

export const SolveParameterScalingImplFromEnum = fragment('SolveParameterScalingImplFromEnum', {
  scalingImpl: computed({ scalingImplType: REQUIRED }, ({ scalingImplType }) => {
    if (isMember(scalingImplType, ScalingImplType.PARAMETER)) return core.ParameterScaling;
    if (isMember(scalingImplType, ScalingImplType.CONST)) return core.ConstScaling;
    if (isMember(scalingImplType, ScalingImplType.STATS)) return core.StatsFromParameterScaling;
    throw new ConfigurationError(`${String(scalingImplType)} not recognized.`, { brevitasType: 'RuntimeError' });
  }),
});

export const SolveParameterScalingShape = fragment('SolveParameterScalingShape', {
  scalingShape: computed({ scalingPerOutput: REQUIRED }, ({ scalingPerOutput }) =>
    isMember(scalingPerOutput, ScalingPerOutputType.CHANNEL) ? link('scalingPerOutputChannelShape') : []),
});
