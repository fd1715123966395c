/**
 * Brevitas quantizer fixtures that 'onnxruntime-webgpu' skips, as data: test id → why. Each of them
 * reaches a synchronous read in core (`Tensor.item()`), which a backend without `readSync` (WebGPU,
 * and every backend in a browser) cannot serve; the kernels they run are the ones the other cases
 * run. test/webgpu-fixtures.test.ts checks that core still reads there, so that these entries go
 * when core stops.
 */
const SCALE_SIGNEDNESS =
  'core reads synchronously: SolveScaleSignedness (quant/solver/common.ts) calls scalingInit.item() while building a quantizer whose scalingInit is a tensor (MinMaxInit, Const)';
const ACCUMULATOR_CHECKS =
  'core reads synchronously: forwardQuantWBIOL (nn/quant/quant-wbiol.ts) checks the operands\' zero points (anyNonZero) and the bias scale (sameValues) with item() when input and weight are both quantized';

const act = (name: string): string => `Brevitas/act_quantizers/${name}`;
const bias = (name: string): string => `Brevitas/bias_quant/${name}`;

export const WEBGPU_FIXTURE_SKIPS: Readonly<Record<string, string>> = {
  [act('Int8ActPerTensorFloatMinMaxInit_hardtanh_sym')]: SCALE_SIGNEDNESS,
  [act('Int8ActPerTensorFloatMinMaxInit_hardtanh_asym')]: SCALE_SIGNEDNESS,
  [act('Int8ActPerTensorFloatMinMaxInit_identity')]: SCALE_SIGNEDNESS,
  [act('Uint8ActPerTensorFloatMaxInit_hardtanh')]: SCALE_SIGNEDNESS,
  [act('Int8ActPerTensorFixedPointMinMaxInit')]: SCALE_SIGNEDNESS,
  [act('SignedBinaryActPerTensorConst')]: SCALE_SIGNEDNESS,
  [act('SignedTernaryActPerTensorConst')]: SCALE_SIGNEDNESS,
  [act('round_half_to_even_ties')]: SCALE_SIGNEDNESS,
  [bias('QuantLinear_Int8Bias')]: ACCUMULATOR_CHECKS,
  [bias('QuantLinear_Int16Bias')]: ACCUMULATOR_CHECKS,
  [bias('QuantLinear_Int24Bias')]: ACCUMULATOR_CHECKS,
  [bias('QuantLinear_Int32Bias')]: ACCUMULATOR_CHECKS,
  [bias('QuantConv2d_perchannel_Int32Bias')]: ACCUMULATOR_CHECKS,
  [bias('QuantLinear_Int8Bias_large_bias_clamped')]: ACCUMULATOR_CHECKS,
  [bias('QuantLinear_float_bias_with_input_quant_rqt')]: ACCUMULATOR_CHECKS,
};
