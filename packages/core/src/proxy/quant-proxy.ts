/**
 * Brevitas's QuantProxyFromInjector: the module a quantized layer holds for each of its quantizers.
 * It builds the quantizer's `tensorQuant` from the injector and records which attributes the
 * build used (so that options nobody uses can be reported).
 */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';
import type { Injector, QuantizerBuild } from '../inject/injector.js';
import { scalar } from '../ops/creation.js';
import { StatelessBuffer } from '../quant-core/function-wrapper.js';

export abstract class QuantProxyFromInjector extends Module {
  readonly zeroHwSentinel: StatelessBuffer;
  /** The quantizer, with the layer's overrides applied; null when quantization is off. */
  readonly quantInjector: Injector | null;
  protected readonly build: QuantizerBuild | null;
  /** Set to skip quantization at run time (Brevitas's disable_quant). */
  disableQuant = false;
  protected isQuantEnabledFlag = false;

  constructor(quantInjector: Injector | null) {
    super();
    this.quantInjector = quantInjector;
    this.build = quantInjector ? quantInjector.build() : null;
    this.zeroHwSentinel = this.registerModule('zeroHwSentinel', new StatelessBuffer(scalar(0)));
  }

  get isQuantEnabled(): boolean {
    return this.isQuantEnabledFlag && !this.disableQuant;
  }

  /** The quantizer's `signed`, when it declares one. */
  get isSigned(): boolean | null {
    return this.build?.has('signed') ? (this.build.get('signed') as boolean) : null;
  }

  get isNarrowRange(): boolean | null {
    return this.build?.has('narrowRange') ? (this.build.get('narrowRange') as boolean) : null;
  }

  /** Attributes of the quantizer this proxy's build resolved. */
  consumedAttributes(): ReadonlySet<string> {
    return this.build?.consumed() ?? new Set();
  }

  protected override getName(): string {
    return this.constructor.name;
  }

  abstract override forward(...inputs: unknown[]): unknown;
}

/** Resolve an attribute of a proxy's build, or null when it is absent. */
export function optionalAttribute<T>(build: QuantizerBuild | null, attribute: string): T | null {
  if (!build || !build.has(attribute)) return null;
  return build.get<T>(attribute);
}

export type { Tensor };
