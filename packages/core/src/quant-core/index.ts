/** Brevitas's brevitas.core: the building blocks quantizers are assembled from. */
export * from './function-wrapper.js';
export * from './restrict-value.js';
export * from './stats.js';
export * from './scaling.js';
export * from './zero-point.js';
export * from './bit-width.js';
export * from './delay.js';
export * from './int-quant.js';
export * from './quant.js';
