/** Brevitas's brevitas.quant: the quantizer catalogue and the fragments it is built from. */
export * from './enums.js';
export * from './base.js';
export * from './act-quantizers.js';
export { ActQuantSolver, MinMaxScalingInit } from './solver/act.js';
export * from './weight-quantizers.js';
export * from './bias-quantizers.js';
export * from './trunc-quantizers.js';
export { WeightQuantSolver } from './solver/weight.js';
export type { QuantizedWeightLayer } from './solver/weight.js';
export { BiasQuantSolver } from './solver/bias.js';
export { TruncQuantSolver } from './solver/trunc.js';
