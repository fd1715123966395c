/**
 * Brevitas's QuantLayerMixin / QuantInputMixin / QuantNonLinearActMixin, as a base class for
 * quantized activation layers: an input quantizer, then an activation fused with its quantizer.
 */
import type { Tensor } from '../../engine/tensor.js';
import { Module } from '../module.js';
import type { Injector } from '../../inject/injector.js';
import { ConfigurationError } from '../../errors/errors.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { ActQuantProxyFromInjector } from '../../proxy/runtime-quant.js';
import { applyOverrides, checkOptionsUsed, quantizerOverrides } from './quant-options.js';

/** A layer's output: a QuantTensor when `returnQuantTensor`, else the plain value. */
export function packOutput(returnQuantTensor: boolean, output: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
  if (!returnQuantTensor) return output instanceof IntQuantTensor ? output.value : output;
  if (!(output instanceof IntQuantTensor)) {
    throw new ConfigurationError('QuantLayer is not correctly configured, check if warnings were raised', { brevitasType: 'AssertionError' });
  }
  return output;
}

export interface QuantNonLinearActOptions {
  /** The activation quantizer; null disables it. */
  actQuant?: Injector | null;
  /** A quantizer for the input; null (default) disables it. */
  inputQuant?: Injector | null;
  /** Return an IntQuantTensor instead of a plain tensor. */
  returnQuantTensor?: boolean;
  /** Quantizer attribute overrides: unprefixed for actQuant, `input…` for inputQuant. */
  [attribute: string]: unknown;
}

const LAYER_KEYS = new Set(['actQuant', 'inputQuant', 'returnQuantTensor']);

export abstract class QuantNonLinearActLayer extends Module {
  readonly inputQuant: ActQuantProxyFromInjector;
  readonly actQuant: ActQuantProxyFromInjector;
  returnQuantTensor: boolean;

  /**
   * `actImpl` is the float activation (null for identity); `passthroughAct` says whether it keeps
   * QuantTensor metadata when quantization is off. `layerKeys` are options the subclass consumes.
   */
  protected constructor(
    actImpl: Module | null,
    passthroughAct: boolean,
    defaultActQuant: Injector | null,
    options: QuantNonLinearActOptions,
    layerKeys: ReadonlySet<string> = new Set(),
  ) {
    super();
    const own = new Set([...LAYER_KEYS, ...layerKeys]);
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    const inputQuant = options.inputQuant ?? null;
    const actQuant = options.actQuant === undefined ? defaultActQuant : options.actQuant;
    // As in Brevitas, the activation quantizer sees every option and the input quantizer the
    // `input…` ones; the unused-option check then accepts an option either of them used.
    const inputOverrides = quantizerOverrides(options, 'input', own);
    const actOverrides = quantizerOverrides(options, '', own);
    this.inputQuant = this.registerModule('inputQuant', new ActQuantProxyFromInjector(applyOverrides(inputQuant, inputOverrides)));
    this.actQuant = this.registerModule('actQuant', new ActQuantProxyFromInjector(applyOverrides(actQuant, actOverrides), actImpl, passthroughAct));
    checkOptionsUsed(this.getName(), options, new Set([...own]), [
      { prefix: 'input', proxy: this.inputQuant, name: 'inputQuant' },
      { prefix: '', proxy: this.actQuant, name: 'actQuant' },
    ]);
  }

  get isInputQuantEnabled(): boolean {
    return this.inputQuant.isQuantEnabled;
  }

  get isActQuantEnabled(): boolean {
    return this.actQuant.isQuantEnabled;
  }

  /** The activation quantizer's scale in eval mode (Brevitas's quant_act_scale), or null. */
  quantActScale(): Tensor | null {
    return this.actQuant.scale();
  }

  quantActZeroPoint(): Tensor | null {
    return this.actQuant.zeroPoint();
  }

  quantActBitWidth(): Tensor | null {
    return this.actQuant.bitWidth();
  }

  quantInputScale(): Tensor | null {
    return this.inputQuant.scale();
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const quantInput = this.inputQuant.forward(input);
    return packOutput(this.returnQuantTensor, this.actQuant.forward(quantInput));
  }
}

