/** Brevitas's brevitas.quant.solver.weight: weight quantizers' enums and shapes from the layer. */
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

/** What a weight quantizer needs to know about its layer. */
export interface QuantizedWeightLayer {
  /** 0 for convolutions and linear layers, 1 for transposed convolutions. */
  outputChannelDim: number;
  outChannels: number;
  weight: { shape: readonly number[] };
}

export const SolveWeightTensorQuantFromEnum = fragment('SolveWeightTensorQuantFromEnum', {
  tensorQuant: computed({ quantType: REQUIRED }, ({ quantType }) => {
    if (isMember(quantType, QuantType.FP)) return null;
    if (isMember(quantType, QuantType.INT)) return core.RescalingIntQuant;
    if (isMember(quantType, QuantType.TERNARY)) return core.TernaryQuant;
    if (isMember(quantType, QuantType.BINARY)) return core.BinaryQuant;
    throw new ConfigurationError(`${String(quantType)} not recognized.`, { brevitasType: 'RuntimeError' });
  }),
}, SolveIntQuantFromEnum);

/** Statistics per output channel come from a [channels, rest] view; transposed convolutions permute first. */
export const SolveWeightScalingStatsInputDimsFromModule = fragment('SolveWeightScalingStatsInputDimsFromModule', {
  scalingStatsInputConcatDim: computed({ module: REQUIRED }, ({ module }: { module: QuantizedWeightLayer }) => module.outputChannelDim),
  permuteDims: computed({ module: REQUIRED }, ({ module }: { module: QuantizedWeightLayer }) => {
    if (module.outputChannelDim === 0) return null;
    const dims = module.weight.shape.map((_, i) => i);
    dims[0] = module.outputChannelDim;
    dims[module.outputChannelDim] = 0;
    return dims;
  }),
});

export const SolveWeightScalingPerOutputChannelShapeFromModule = fragment('SolveWeightScalingPerOutputChannelShapeFromModule', {
  scalingPerOutputChannelShape: computed({ module: REQUIRED }, ({ module }: { module: QuantizedWeightLayer }) => {
    const shape = module.weight.shape.map(() => 1);
    shape[module.outputChannelDim] = module.outChannels;
    return shape;
  }),
});

/** Put last in a weight quantizer. */
export const WeightQuantSolver = fragment(
  'WeightQuantSolver',
  {},
  SolveWeightScalingStatsInputDimsFromModule,
  SolveScalingStatsInputViewShapeImplFromEnum,
  SolveStatsReduceDimFromEnum,
  SolveScalingStatsOpFromEnum,
  SolveBitWidthImplFromEnum,
  SolveTensorQuantFloatToIntImplFromEnum,
  SolveRestrictScalingImplFromEnum,
  SolveIntScalingImplFromEnum,
  SolveParameterScalingImplFromEnum,
  SolveParameterTensorClampImplFromEnum,
  SolveParameterScalingInitFromEnum,
  SolveParameterScalingShape,
  SolveWeightScalingPerOutputChannelShapeFromModule,
  SolveWeightTensorQuantFromEnum,
  SolveScaleSignedness,
  SolveInputViewImpl,
);
