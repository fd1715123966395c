/**
 * Brevitas's TruncAvgPool2d and TruncAdaptiveAvgPool2d: average pooling of a QuantTensor whose
 * accumulator (the sum of integers) is requantized to 8 bits by shifting out the low bits
 * (RoundTo8bit by default, TruncTo8bit floors). They return a QuantTensor by default.
 */
import type { Tensor } from '../../engine/tensor.js';
import { Module } from '../module.js';
import type { Injector } from '../../inject/injector.js';
import { div, mul } from '../../ops/binary.js';
import { log2 } from '../../ops/unary.js';
import { adaptiveAvgPool2d, avgPool2d } from '../../ops/pool.js';
import { ceilSte } from '../../function/ops-ste.js';
import { maxInt } from '../../function/ops.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { TruncQuantProxyFromInjector } from '../../proxy/trunc-quant.js';
import { RoundTo8bit } from '../../quant/trunc-quantizers.js';
import { pythonIntOrTuple } from '../options.js';
import { packOutput } from './quant-layer.js';
import { applyOverrides, checkOptionsUsed, quantizerOverrides } from './quant-options.js';

export interface TruncPoolOptions {
  /** The truncation quantizer (default RoundTo8bit); null keeps the accumulator. */
  truncQuant?: Injector | null;
  returnQuantTensor?: boolean;
  /** Overrides of the truncation quantizer, e.g. bitWidth. */
  [attribute: string]: unknown;
}

/** The 8-bit (by default) requantization of a pool's accumulator of `reduceSize` integers. */
function truncate(proxy: TruncQuantProxyFromInjector, x: IntQuantTensor, pooled: Tensor, reduceSize: number): IntQuantTensor {
  if (!proxy.isQuantEnabled) return x.with({ value: pooled });
  const accumulatorBits = ceilSte(log2(mul(maxInt(false, false, x.bitWidth), reduceSize)));
  // The average on a grid of scale / reduceSize is the integer sum of the inputs.
  return proxy.forward(x.with({ value: pooled, scale: div(x.scale, reduceSize), bitWidth: accumulatorBits }));
}

abstract class TruncPool extends Module {
  readonly truncQuant: TruncQuantProxyFromInjector;
  returnQuantTensor: boolean;

  protected constructor(name: string, options: TruncPoolOptions, layerKeys: readonly string[]) {
    super();
    const own = new Set(['truncQuant', 'returnQuantTensor', ...layerKeys]);
    const quant = options.truncQuant === undefined ? RoundTo8bit : options.truncQuant;
    this.returnQuantTensor = options.returnQuantTensor ?? true;
    this.truncQuant = this.registerModule('truncQuant', new TruncQuantProxyFromInjector(applyOverrides(quant, quantizerOverrides(options, '', own))));
    checkOptionsUsed(name, options, own, [{ prefix: '', proxy: this.truncQuant, name: 'truncQuant' }]);
  }

  protected finish(input: Tensor | IntQuantTensor, pool: (x: Tensor) => Tensor, reduceSize: (pooled: Tensor, x: Tensor) => number): Tensor | IntQuantTensor {
    if (!(input instanceof IntQuantTensor)) return packOutput(this.returnQuantTensor, pool(input));
    const pooled = pool(input.value);
    return packOutput(this.returnQuantTensor, truncate(this.truncQuant, input, pooled, reduceSize(pooled, input.value)));
  }
}

export interface TruncAvgPool2dOptions extends TruncPoolOptions {
  kernelSize: number | readonly [number, number];
  stride?: number | readonly [number, number];
}

export class TruncAvgPool2d extends TruncPool {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  private readonly kernelSizeOption: number | readonly [number, number];
  private readonly strideOption: number | readonly [number, number];

  constructor(options: TruncAvgPool2dOptions) {
    super('TruncAvgPool2d', options, ['kernelSize', 'stride']);
    this.kernelSizeOption = options.kernelSize;
    this.strideOption = options.stride ?? options.kernelSize;
    const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
    this.kernelSize = pair(this.kernelSizeOption);
    this.stride = pair(this.strideOption);
  }

  override extraRepr(): string {
    return `kernel_size=${pythonIntOrTuple(this.kernelSizeOption)}, stride=${pythonIntOrTuple(this.strideOption)}, padding=0`;
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    return this.finish(input, (x) => avgPool2d(x, this.kernelSize, { stride: this.stride }), () => this.kernelSize[0] * this.kernelSize[1]);
  }
}

export interface TruncAdaptiveAvgPool2dOptions extends TruncPoolOptions {
  outputSize: number | readonly [number, number];
}

export class TruncAdaptiveAvgPool2d extends TruncPool {
  readonly outputSize: number | readonly [number, number];

  constructor(options: TruncAdaptiveAvgPool2dOptions) {
    super('TruncAdaptiveAvgPool2d', options, ['outputSize']);
    this.outputSize = options.outputSize;
  }

  override extraRepr(): string {
    return `output_size=${pythonIntOrTuple(this.outputSize)}`;
  }

  /** Brevitas's kernel size per axis: in − (out − 1)·(in div out). */
  static kernelSizeFor(inputShape: readonly number[], outputShape: readonly number[]): number[] {
    return inputShape.map((inSize, i) => {
      const outSize = outputShape[i] as number;
      return inSize - (outSize - 1) * Math.floor(inSize / outSize);
    });
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    return this.finish(
      input,
      (x) => adaptiveAvgPool2d(x, this.outputSize),
      (pooled, x) => TruncAdaptiveAvgPool2d.kernelSizeFor(x.shape.slice(2), pooled.shape.slice(2)).reduce((p, k) => p * k, 1),
    );
  }
}
