/**
 * Activation quantizers of Brevitas's catalogue (brevitas.quant.scaled_int, shifted_scaled_int,
 * fixed_point, binary, ternary), composed exactly as Brevitas composes them.
 */
import { quantizer } from '../inject/index.js';
import * as core from '../quant-core/index.js';
import {
  IntQuant,
  NarrowIntQuant,
  ParamFromRuntimePercentileIntervalScaling,
  ParamFromRuntimePercentileScaling,
  ParamMinMaxInitScaling,
  PerTensorConstScaling2bit,
  PerTensorFloatScaling8bit,
  PerTensorPoTScaling8bit,
  ShiftedParamFromPercentileUintQuant,
  SignedBinaryClampedConst,
  UintQuant,
} from './base.js';
import { ActQuantSolver } from './solver/act.js';

export const Int8ActPerTensorFloat = quantizer('Int8ActPerTensorFloat', IntQuant, ParamFromRuntimePercentileScaling, PerTensorFloatScaling8bit, ActQuantSolver);
export const Uint8ActPerTensorFloat = quantizer('Uint8ActPerTensorFloat', UintQuant, ParamFromRuntimePercentileScaling, PerTensorFloatScaling8bit, ActQuantSolver);
export const Int8ActPerTensorFloatMinMaxInit = quantizer('Int8ActPerTensorFloatMinMaxInit', IntQuant, ParamMinMaxInitScaling, PerTensorFloatScaling8bit, ActQuantSolver);
export const Uint8ActPerTensorFloatMaxInit = quantizer('Uint8ActPerTensorFloatMaxInit', UintQuant, ParamMinMaxInitScaling, PerTensorFloatScaling8bit, ActQuantSolver, { minVal: 0 });

export const ShiftedUint8ActPerTensorFloat = quantizer('ShiftedUint8ActPerTensorFloat', ShiftedParamFromPercentileUintQuant, ParamFromRuntimePercentileIntervalScaling, PerTensorFloatScaling8bit, ActQuantSolver);
export const ShiftedUint8ActPerTensorFixedPoint = quantizer('ShiftedUint8ActPerTensorFixedPoint', ShiftedParamFromPercentileUintQuant, ParamFromRuntimePercentileIntervalScaling, PerTensorPoTScaling8bit, ActQuantSolver);

export const Int8ActPerTensorFixedPoint = quantizer('Int8ActPerTensorFixedPoint', IntQuant, ParamFromRuntimePercentileScaling, PerTensorPoTScaling8bit, ActQuantSolver);
export const Uint8ActPerTensorFixedPoint = quantizer('Uint8ActPerTensorFixedPoint', UintQuant, ParamFromRuntimePercentileScaling, PerTensorPoTScaling8bit, ActQuantSolver);
export const Int8ActPerTensorFixedPointMinMaxInit = quantizer('Int8ActPerTensorFixedPointMinMaxInit', IntQuant, ParamMinMaxInitScaling, PerTensorPoTScaling8bit, ActQuantSolver);
export const Uint8ActPerTensorFixedPointMaxInit = quantizer('Uint8ActPerTensorFixedPointMaxInit', UintQuant, ParamMinMaxInitScaling, PerTensorPoTScaling8bit, ActQuantSolver, { minVal: 0 });

export const SignedBinaryActPerTensorConst = quantizer('SignedBinaryActPerTensorConst', SignedBinaryClampedConst, ActQuantSolver, {
  tensorClampImpl: core.TensorClamp,
  minVal: -1,
  maxVal: 1,
});
export const SignedTernaryActPerTensorConst = quantizer('SignedTernaryActPerTensorConst', NarrowIntQuant, PerTensorConstScaling2bit, ActQuantSolver, {
  tensorClampImpl: core.TensorClamp,
  minVal: -1,
  maxVal: 1,
});
