/** Brevitas's brevitas.quant.solver.bias: bias quantizers, scaled by the accumulator or by themselves. */
import { REQUIRED, computed, fragment } from '../../inject/index.js';
import { ConfigurationError } from '../../errors/errors.js';
import * as core from '../../quant-core/index.js';
import { QuantType, isMember } from '../enums.js';
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
import {
  SolveParameterScalingImplFromEnum,
  SolveParameterScalingInitFromEnum,
  SolveParameterScalingShape,
  SolveParameterTensorClampImplFromEnum,
} from './parameter.js';
import type { QuantizedWeightLayer } from './weight.js';

export const SolveBiasTensorQuantFromEnum = fragment('SolveBiasTensorQuantFromEnum', {
  tensorQuant: computed({ quantType: REQUIRED, requiresInputBitWidth: REQUIRED, requiresInputScale: REQUIRED }, ({ quantType, requiresInputBitWidth, requiresInputScale }) => {
    if (isMember(quantType, QuantType.FP)) return null;
    if (isMember(quantType, QuantType.INT)) {
      if (!requiresInputBitWidth && requiresInputScale) return core.PrescaledRestrictIntQuant;
      if (!requiresInputBitWidth && !requiresInputScale) return core.RescalingIntQuant;
      return core.PrescaledRestrictIntQuantWithInputBitWidth;
    }
    throw new ConfigurationError(`${String(quantType)} not supported.`, { brevitasType: 'RuntimeError' });
  }),
}, SolveIntQuantFromEnum);

export const SolveBiasScalingFromModule = fragment('SolveBiasScalingFromModule', {
  // A bias has one dimension.
  scalingStatsInputConcatDim: 0,
  permuteDims: null,
  scalingPerOutputChannelShape: computed({ module: REQUIRED }, ({ module }: { module: QuantizedWeightLayer }) => [module.outChannels]),
});

/** Put last in a bias quantizer. */
export const BiasQuantSolver = fragment(
  'BiasQuantSolver',
  {},
  SolveBiasScalingFromModule,
  SolveScalingStatsInputViewShapeImplFromEnum,
  SolveParameterScalingShape,
  SolveStatsReduceDimFromEnum,
  SolveScalingStatsOpFromEnum,
  SolveBitWidthImplFromEnum,
  SolveTensorQuantFloatToIntImplFromEnum,
  SolveRestrictScalingImplFromEnum,
  SolveIntScalingImplFromEnum,
  SolveParameterScalingImplFromEnum,
  SolveParameterTensorClampImplFromEnum,
  SolveParameterScalingInitFromEnum,
  SolveBiasTensorQuantFromEnum,
  SolveScaleSignedness,
  SolveInputViewImpl,
);
