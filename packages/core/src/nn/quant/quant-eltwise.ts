/**
 * Brevitas's QuantEltwiseAdd and QuantCat: both operands go through the same input quantizer
 * (so one forward in train mode is two statistics steps), then the output quantizer.
 */
import type { Tensor } from '../../engine/tensor.js';
import { Module } from '../module.js';
import type { Injector } from '../../inject/injector.js';
import { add } from '../../ops/binary.js';
import { concat } from '../../ops/shape.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { ActQuantProxyFromInjector } from '../../proxy/runtime-quant.js';
import { Int8ActPerTensorFloat } from '../../quant/act-quantizers.js';
import { packOutput } from './quant-layer.js';
import { applyOverrides, checkOptionsUsed, quantizerOverrides } from './quant-options.js';

export interface QuantInputOutputOptions {
  /** Default Int8ActPerTensorFloat; null disables. */
  inputQuant?: Injector | null;
  /** Default Int8ActPerTensorFloat; null disables. */
  outputQuant?: Injector | null;
  returnQuantTensor?: boolean;
  /** `input…` / `output…` quantizer overrides. */
  [attribute: string]: unknown;
}

abstract class QuantInputOutputLayer extends Module {
  readonly inputQuant: ActQuantProxyFromInjector;
  readonly outputQuant: ActQuantProxyFromInjector;
  returnQuantTensor: boolean;

  protected constructor(name: string, options: QuantInputOutputOptions) {
    super();
    const own = new Set(['inputQuant', 'outputQuant', 'returnQuantTensor']);
    const pick = (key: 'inputQuant' | 'outputQuant'): Injector | null => (options[key] === undefined ? Int8ActPerTensorFloat : (options[key] as Injector | null));
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.inputQuant = this.registerModule('inputQuant', new ActQuantProxyFromInjector(applyOverrides(pick('inputQuant'), quantizerOverrides(options, 'input', own))));
    this.outputQuant = this.registerModule('outputQuant', new ActQuantProxyFromInjector(applyOverrides(pick('outputQuant'), quantizerOverrides(options, 'output', own))));
    checkOptionsUsed(name, options, own, [
      { prefix: 'input', proxy: this.inputQuant, name: 'inputQuant' },
      { prefix: 'output', proxy: this.outputQuant, name: 'outputQuant' },
    ]);
  }
}

export class QuantEltwiseAdd extends QuantInputOutputLayer {
  constructor(options: QuantInputOutputOptions = {}) {
    super('QuantEltwiseAdd', options);
  }

  forward(input: Tensor | IntQuantTensor, other: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const a = this.inputQuant.forward(input);
    const b = this.inputQuant.forward(other);
    let sum: Tensor | IntQuantTensor;
    if (a instanceof IntQuantTensor) sum = a.add(b);
    else if (b instanceof IntQuantTensor) sum = b.add(a);
    else sum = add(a, b);
    return packOutput(this.returnQuantTensor, this.outputQuant.forward(sum));
  }
}

/**
 * Concatenation of quantized inputs. Brevitas 0.12.1's QuantCat.forward raises (it calls a
 * QuantTensor.cat that does not exist); Parvus concatenates with IntQuantTensor.cat's rules.
 */
export class QuantCat extends QuantInputOutputLayer {
  constructor(options: QuantInputOutputOptions = {}) {
    super('QuantCat', options);
  }

  forward(tensors: ReadonlyArray<Tensor | IntQuantTensor>, axis = 1): Tensor | IntQuantTensor {
    const quantized = tensors.map((t) => this.inputQuant.forward(t));
    const joined = quantized.every((t): t is IntQuantTensor => t instanceof IntQuantTensor)
      ? IntQuantTensor.cat(quantized, axis)
      : concat(quantized.map((t) => (t instanceof IntQuantTensor ? t.value : t)), axis);
    return packOutput(this.returnQuantTensor, this.outputQuant.forward(joined));
  }
}
