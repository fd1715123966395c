/**
 * Brevitas's quantized activations (brevitas.nn.quant_activation). Defaults as in Brevitas:
 * QuantIdentity and QuantTanh use Int8ActPerTensorFloat, QuantReLU and QuantSigmoid
 * Uint8ActPerTensorFloat, QuantHardTanh Int8ActPerTensorFloatMinMaxInit (needs minVal, maxVal).
 */
import { Hardtanh, ReLU, Sigmoid, Tanh } from '../layers/activation.js';
import {
  Int8ActPerTensorFloat,
  Int8ActPerTensorFloatMinMaxInit,
  Uint8ActPerTensorFloat,
} from '../../quant/act-quantizers.js';
import type { QuantNonLinearActOptions } from './quant-layer.js';
import { QuantNonLinearActLayer } from './quant-layer.js';

export class QuantIdentity extends QuantNonLinearActLayer {
  constructor(options: QuantNonLinearActOptions = {}) {
    super(null, true, Int8ActPerTensorFloat, options);
  }
}

export class QuantReLU extends QuantNonLinearActLayer {
  constructor(options: QuantNonLinearActOptions = {}) {
    super(new ReLU(), true, Uint8ActPerTensorFloat, options);
  }
}

export class QuantSigmoid extends QuantNonLinearActLayer {
  constructor(options: QuantNonLinearActOptions = {}) {
    super(new Sigmoid(), false, Uint8ActPerTensorFloat, options);
  }
}

export class QuantTanh extends QuantNonLinearActLayer {
  constructor(options: QuantNonLinearActOptions = {}) {
    super(new Tanh(), false, Int8ActPerTensorFloat, options);
  }
}

export interface QuantHardTanhOptions extends QuantNonLinearActOptions {
  minVal?: number;
  maxVal?: number;
}

/**
 * minVal/maxVal initialise the learned scale (max(|minVal|, |maxVal|) / 128). With quantization
 * on, the Hardtanh itself is not applied (Brevitas's behaviour): the quantizer's range clamps.
 */
export class QuantHardTanh extends QuantNonLinearActLayer {
  constructor(options: QuantHardTanhOptions = {}) {
    const hardtanh = new Hardtanh({ minVal: options.minVal ?? -1, maxVal: options.maxVal ?? 1 });
    super(hardtanh, true, Int8ActPerTensorFloatMinMaxInit, options, new Set(options.actQuant === null ? ['minVal', 'maxVal'] : []));
  }
}
