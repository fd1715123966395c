/**
 * Brevitas's QuantWeightBiasInputOutputLayer: a float layer (convolution, linear) with input,
 * weight, bias and output quantizers. Its output is an IntQuantTensor when the input and the
 * weight are quantized: scale = input scale × weight scale, bit width = the accumulator's.
 */
import type { Tensor } from '../../engine/tensor.js';
import type { Module } from '../module.js';
import type { Injector } from '../../inject/injector.js';
import { ConfigurationError } from '../../errors/errors.js';
import { add, div, equal, greater, mul, notEqual } from '../../ops/binary.js';
import { neg, log2 } from '../../ops/unary.js';
import { zeros } from '../../ops/creation.js';
import { max } from '../../ops/reduction.js';
import { cast, where } from '../../ops/selection.js';
import { concat, reshape } from '../../ops/shape.js';
import { knownValue, noGrad, tidy } from '../../engine/op.js';
import { engine } from '../../engine/engine.js';
import { ceilSte } from '../../function/ops-ste.js';
import { maxUint } from '../../function/ops.js';
import { IntQuantTensor, allCloseTensor } from '../../quant-tensor/int-quant-tensor.js';
import { ActQuantProxyFromInjector } from '../../proxy/runtime-quant.js';
import { BiasQuantProxyFromInjector, WeightQuantProxyFromInjector } from '../../proxy/parameter-quant.js';
import { Int8WeightPerTensorFloat } from '../../quant/weight-quantizers.js';
import type { QuantizedWeightLayer } from '../../quant/solver/weight.js';
import { packOutput } from './quant-layer.js';
import { applyOverrides, checkOptionsUsed, quantizerOverrides } from './quant-options.js';

export interface QuantWBIOLOptions {
  /** Weight quantizer (default Int8WeightPerTensorFloat); null disables it. */
  weightQuant?: Injector | null;
  /** Bias quantizer (default none): Int8Bias…Int32Bias scale the bias by input × weight scale. */
  biasQuant?: Injector | null;
  inputQuant?: Injector | null;
  outputQuant?: Injector | null;
  returnQuantTensor?: boolean;
  /** Quantizer overrides with a prefix: weightBitWidth, inputCollectStatsSteps, … */
  [attribute: string]: unknown;
}

export const QUANT_WBIOL_KEYS = ['weightQuant', 'biasQuant', 'inputQuant', 'outputQuant', 'returnQuantTensor'];

/** The quantizers of a weight layer, registered on it in Brevitas's order. */
export interface QuantWBIOLParts {
  inputQuant: ActQuantProxyFromInjector;
  outputQuant: ActQuantProxyFromInjector;
  weightQuant: WeightQuantProxyFromInjector;
  biasQuant: BiasQuantProxyFromInjector;
}

interface Registrar {
  registerModule<M extends Module | null>(name: string, module: M): M;
}

/** Build and register the four proxies; then refuse options nobody used. */
export function initQuantWBIOL(
  layer: Registrar & QuantizedWeightLayer & { weight: Tensor; bias: Tensor | null },
  layerName: string,
  options: QuantWBIOLOptions,
  layerKeys: readonly string[],
): QuantWBIOLParts {
  const own = new Set([...QUANT_WBIOL_KEYS, ...layerKeys]);
  const pick = (key: string, fallback: Injector | null): Injector | null => (options[key] === undefined ? fallback : (options[key] as Injector | null));
  const overrides = (prefix: string): Record<string, unknown> => quantizerOverrides(options, prefix, own);
  const parts: QuantWBIOLParts = {
    inputQuant: layer.registerModule('inputQuant', new ActQuantProxyFromInjector(applyOverrides(pick('inputQuant', null), overrides('input')))),
    outputQuant: layer.registerModule('outputQuant', new ActQuantProxyFromInjector(applyOverrides(pick('outputQuant', null), overrides('output')))),
    weightQuant: layer.registerModule('weightQuant', new WeightQuantProxyFromInjector(applyOverrides(pick('weightQuant', Int8WeightPerTensorFloat), overrides('weight')), layer)),
    biasQuant: layer.registerModule('biasQuant', new BiasQuantProxyFromInjector(applyOverrides(pick('biasQuant', null), overrides('bias')), layer)),
  };
  checkOptionsUsed(layerName, options, own, [
    { prefix: 'input', proxy: parts.inputQuant, name: 'inputQuant' },
    { prefix: 'output', proxy: parts.outputQuant, name: 'outputQuant' },
    { prefix: 'weight', proxy: parts.weightQuant, name: 'weightQuant' },
    { prefix: 'bias', proxy: parts.biasQuant, name: 'biasQuant' },
  ]);
  return parts;
}

/** ceil(log2(x)) with a straight-through ceil, as Brevitas computes accumulator widths. */
function bitsFor(maxValue: Tensor): Tensor {
  return ceilSte(log2(maxValue));
}

/** How a layer computes its accumulator bit width and output channel axis. */
export interface AccumulatorSpec {
  /** −1 for linear layers (channels last), 1 for convolutions. */
  channelDim: number;
  /** Number of products summed per output (kernel size × input channels per group, …). */
  reductionSize: number;
}

/** Accumulator bit width: ceil(log2(maxUint(input) · maxUint(weight) · reductionSize)). */
export function accumulatorBitWidth(inputBitWidth: Tensor, weightBitWidth: Tensor, reductionSize: number): Tensor {
  return bitsFor(mul(mul(maxUint(false, inputBitWidth), maxUint(false, weightBitWidth)), reductionSize));
}

/**
 * Whether any of some zero points has a non-zero element. Zero points core knows (ZeroZeroPoint's
 * 0, sums of known values) need no read; the rest are read at once. On a backend that cannot read
 * synchronously, one core does not know counts as non-zero (a shifted quantizer whose zero point
 * comes out exactly 0 then gives a plain tensor where Brevitas gives a QuantTensor).
 */
function anyNonZero(zeroPoints: readonly Tensor[]): boolean {
  const unknown: Tensor[] = [];
  for (const t of zeroPoints) {
    const known = knownValue(t);
    if (known === undefined) unknown.push(t);
    else if (known !== 0) return true;
  }
  if (unknown.length === 0) return false;
  if (!unknown.every((t) => engine().canReadSync(t))) return true;
  return tidy(() => noGrad(() => max(concat(unknown.map((t) => reshape(cast(notEqual(t, 0), 'int32'), [-1])), 0)).item() === 1));
}

/**
 * The layer's forward: quantize input and weight, quantize the bias (scaled by the accumulator
 * for Int8Bias…Int32Bias), run the float layer, then quantize the output. The accumulator's
 * QuantTensor (scale, zero point, bit width) is built only when it is returned as it is: an output
 * quantizer reads the value alone.
 */
export function forwardQuantWBIOL(
  parts: QuantWBIOLParts,
  returnQuantTensor: boolean,
  input: Tensor | IntQuantTensor,
  weight: Tensor,
  bias: Tensor | null,
  spec: AccumulatorSpec,
  inner: (x: Tensor, weight: Tensor, bias: Tensor | null) => Tensor,
): Tensor | IntQuantTensor {
  const quantInput = parts.inputQuant.forward(input);
  const quantWeight = parts.weightQuant.forward(weight);
  const operands = quantInput instanceof IntQuantTensor && quantWeight instanceof IntQuantTensor ? { quantInput, quantWeight } : null;
  if (!(operands || parts.outputQuant.isQuantEnabled) && returnQuantTensor) {
    throw new ConfigurationError('QuantLayer is not correctly configured', { brevitasType: 'RuntimeError' });
  }
  // The accumulator's grid: input scale × weight scale along the output channels.
  const channelShape = quantInput.shape.map(() => 1);
  channelShape[spec.channelDim < 0 ? channelShape.length + spec.channelDim : spec.channelDim] = -1;
  const buildsAccumulator = operands !== null && returnQuantTensor && !parts.outputQuant.isQuantEnabled;
  const needsScale = buildsAccumulator || (bias !== null && parts.biasQuant.requiresInputScale);
  const scale = operands && needsScale ? mul(reshape(operands.quantWeight.scale, channelShape), reshape(operands.quantInput.scale, channelShape)) : null;
  const quantBias = bias ? parts.biasQuant.forward(bias, scale, operands?.quantInput.bitWidth) : null;
  const value = (t: Tensor | IntQuantTensor): Tensor => (t instanceof IntQuantTensor ? t.value : t);
  const output = inner(value(quantInput), value(quantWeight), quantBias ? value(quantBias) : null);

  let result: Tensor | IntQuantTensor = output;
  if (operands && scale && buildsAccumulator) {
    const { quantInput: qi, quantWeight: qw } = operands;
    let bitWidth = accumulatorBitWidth(qi.bitWidth, qw.bitWidth, spec.reductionSize);
    let zeroPoint: Tensor | null = null;
    if (quantBias) {
      // A bias on another grid than the accumulator shifts the zero point by −bias / scale.
      const shift = (): Tensor => div(neg(reshape(value(quantBias), channelShape)), scale);
      if (!(quantBias instanceof IntQuantTensor)) {
        zeroPoint = shift();
      } else {
        const onGrid = biasOnAccumulatorGrid(quantBias.scale, scale, parts.biasQuant.requiresInputScale, channelShape);
        if (onGrid === 'unknown') zeroPoint = where(equal(allCloseTensor(quantBias.scale, scale), 1), 0, shift());
        else if (!onGrid) zeroPoint = shift();
        bitWidth = add(where(greater(quantBias.bitWidth, bitWidth), quantBias.bitWidth, bitWidth), 1);
      }
    }
    // Brevitas cannot compute the accumulator's zero point of shifted operands: a plain tensor then.
    if (!anyNonZero([qi.zeroPoint, qw.zeroPoint])) {
      result = new IntQuantTensor(output, scale, zeroPoint ?? zeros([1]), bitWidth, qi.signed || qw.signed, qi.training || qw.training);
    }
  }
  return packOutput(returnQuantTensor, parts.outputQuant.forward(result));
}

/**
 * Whether a quantized bias lies on the accumulator's grid, as Brevitas decides it:
 * torch.allclose(bias scale, accumulator scale), broadcasting the flat bias scale [C] against the
 * accumulator's [1, C, 1, 1]. A bias scaled by the accumulator scale itself (Int8Bias…Int32Bias:
 * its scale is that tensor, flattened) is on it when the comparison pairs each channel with its own
 * (one element, or channels last as in a linear layer). Otherwise it is read where the backend
 * can; where it cannot, 'unknown', and the zero point becomes where(allclose, 0, −bias / scale):
 * the same values, in the shifted zero point's shape.
 */
function biasOnAccumulatorGrid(biasScale: Tensor, scale: Tensor, external: boolean, channelShape: readonly number[]): boolean | 'unknown' {
  const channelsLast = channelShape.indexOf(-1) === channelShape.length - 1;
  if (external && (scale.size === 1 || channelsLast)) return true;
  if (engine().canReadSync(scale) && engine().canReadSync(biasScale)) {
    return tidy(() => allCloseTensor(biasScale, scale).item() === 1);
  }
  return 'unknown';
}
