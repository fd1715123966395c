/** Brevitas's brevitas.quant: the quantizer catalogue and the fragments it is built from. */
export * from './enums.js';
export * from './base.js';
export * from './act-quantizers.js';
export { ActQuantSolver, MinMaxScalingInit } from './solver/act.js';
