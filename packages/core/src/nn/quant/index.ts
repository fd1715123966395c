export { QuantNonLinearActLayer, packOutput } from './quant-layer.js';
export type { QuantNonLinearActOptions } from './quant-layer.js';
export { QuantIdentity, QuantReLU, QuantSigmoid, QuantTanh, QuantHardTanh } from './quant-activation.js';
export type { QuantHardTanhOptions } from './quant-activation.js';
export { stripPrefix } from './quant-options.js';
