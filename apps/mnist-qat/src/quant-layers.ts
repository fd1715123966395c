/**
 * The quantized LeNet-5's layers, from core's Brevitas-style quantized layers and catalogue:
 *
 * - input: QuantIdentity (Int8ActPerTensorFloat at the input bit width, 8 by default), returning a
 *   QuantTensor, so conv1 sees a quantized input;
 * - conv1, conv2, fc1, fc2, fc3: QuantConv2d / QuantLinear with W-bit weights, every layer at the
 *   same width, first and last included. W ≥ 2: Int8WeightPerTensorFloat at W bits (narrow signed
 *   grid, one scale per tensor); W = 1: SignedBinaryWeightPerTensorConst (±α, the latent weight
 *   clipped to ±α). In both the scale is made a learned parameter (`weightScalingImplType:
 *   PARAMETER`) initialised from the float weights: the scale that minimises the squared
 *   quantization error (for binary weights that is mean |w|, as in XNOR-Net). Brevitas's stock
 *   choices (max |w| statistics; a constant α = 0.1) clip or zero most of the weights at 2 bits and
 *   below; see the README for the measured difference. Biases are Int32Bias: quantized on the
 *   accumulator's grid (input scale × weight scale), as integer-only hardware adds them;
 * - relu1…relu4: QuantReLU (Uint8ActPerTensorFloat at A bits), returning QuantTensors that
 *   max-pooling and flattening pass on. The scale is learned, initialised from statistics of the
 *   first `COLLECT_STATS_STEPS` training batches (Brevitas collects for 300 steps, longer than a
 *   fine-tuning run here) at the 99.999th percentile, or the 99th for 2-bit activations (with
 *   three non-zero levels, clipping the top 1% costs less than a coarser step);
 * - fc3 has no output quantizer: the logits stay float, as in Brevitas's LeNet examples.
 */
import {
  Int32Bias,
  Int8ActPerTensorFloat,
  Int8WeightPerTensorFloat,
  QuantConv2d,
  QuantIdentity,
  QuantLinear,
  QuantReLU,
  ScalingImplType,
  SignedBinaryWeightPerTensorConst,
  Uint8ActPerTensorFloat,
} from '@parvus/core';
import type { Injector } from '@parvus/core';
import type { LeNet5, LeNet5Layers, WeightLayerName } from './model.js';
import type { QuantConfig } from './quant-config.js';

/** Training steps of activation statistics before the activation scales are learned. */
export const COLLECT_STATS_STEPS = 30;

/** The percentile of |activation| that initialises an activation scale. */
export function activationPercentile(bitWidth: number): number {
  return bitWidth <= 2 ? 99 : 99.999;
}

/** The largest integer of a narrow signed grid of `bitWidth` bits (binary: 1, for ±1). */
export function maxWeightLevel(bitWidth: number): number {
  return bitWidth === 1 ? 1 : 2 ** (bitWidth - 1) - 1;
}

/** Candidate scales tried between 0 and max |w| / maxLevel by `mseWeightScale`. */
const SCALE_CANDIDATES = 200;

/**
 * The per-tensor scale s minimising Σ (w − q(w))², q(w) = s·clamp(round(w / s), −L, L) on the
 * narrow signed grid of `bitWidth` bits; for binary weights (±s) the minimiser is mean |w|.
 */
export function mseWeightScale(weights: ArrayLike<number>, bitWidth: number): number {
  let maxAbs = 0;
  let sumAbs = 0;
  for (let i = 0; i < weights.length; i++) {
    const a = Math.abs(weights[i] as number);
    maxAbs = Math.max(maxAbs, a);
    sumAbs += a;
  }
  if (maxAbs === 0) return 1;
  if (bitWidth === 1) return sumAbs / weights.length;
  const level = maxWeightLevel(bitWidth);
  let best = maxAbs / level;
  let bestError = Infinity;
  for (let k = 1; k <= SCALE_CANDIDATES; k++) {
    const s = (maxAbs / level) * (k / SCALE_CANDIDATES);
    let error = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] as number;
      const q = Math.max(-level, Math.min(level, Math.round(w / s))) * s;
      error += (w - q) * (w - q);
    }
    if (error < bestError) {
      bestError = error;
      best = s;
    }
  }
  return best;
}

/** Initial weight scales per layer. */
export type WeightScales = Partial<Record<WeightLayerName, number>>;

/** The MSE-optimal scale of each weight layer of a (float) LeNet-5 for `bitWidth`-bit weights. */
export function weightScalesFrom(model: LeNet5, bitWidth: number): WeightScales {
  const scales: WeightScales = {};
  for (const [name, layer] of model.weightLayers()) scales[name] = mseWeightScale(layer.getParameter('weight').dataSync(), bitWidth);
  return scales;
}

/** The weight quantizer options of a layer: the quantizer and its overrides, as prefixed layer options. */
export function weightQuantOptions(bitWidth: number, scale: number): Record<string, unknown> {
  // A PARAMETER scale is value / threshold; the threshold is the grid's largest integer (1 for binary).
  const learned = { weightScalingImplType: ScalingImplType.PARAMETER, weightScalingConst: scale * maxWeightLevel(bitWidth) };
  if (bitWidth === 1) return { weightQuant: SignedBinaryWeightPerTensorConst, ...learned };
  return { weightQuant: Int8WeightPerTensorFloat, weightBitWidth: bitWidth, ...learned };
}

/** The quantizers of a configuration, by role, for reports. */
export function quantizerNames(config: QuantConfig): Record<string, string> {
  if (config.weightBitWidth === null) return {};
  const weight = config.weightBitWidth === 1 ? SignedBinaryWeightPerTensorConst : Int8WeightPerTensorFloat;
  const describe = (q: Injector, overrides: string): string => `${q.name}${overrides}`;
  return {
    input: describe(Int8ActPerTensorFloat, `(bitWidth ${config.inputBitWidth}, collectStatsSteps ${COLLECT_STATS_STEPS})`),
    weight: describe(weight, `(${config.weightBitWidth === 1 ? '' : `bitWidth ${config.weightBitWidth}, `}scalingImplType PARAMETER, scalingConst from the float weights)`),
    bias: Int32Bias.name,
    activation: describe(Uint8ActPerTensorFloat, `(bitWidth ${config.actBitWidth}, collectStatsSteps ${COLLECT_STATS_STEPS}, highPercentileQ ${activationPercentile(config.actBitWidth ?? 8)})`),
    output: 'float logits (fc3 has no output quantizer)',
  };
}

/**
 * Quantized layers for `config` (which must be quantized). `weightScales` initialise the learned
 * weight scales (from the float model when fine-tuning it; when loading a checkpoint they are
 * overwritten, and the default of 1 is as good as any).
 */
export function quantLayers(config: QuantConfig, weightScales: WeightScales = {}): LeNet5Layers {
  const { weightBitWidth, actBitWidth, inputBitWidth } = config;
  if (weightBitWidth === null || actBitWidth === null || inputBitWidth === null) {
    throw new Error(`quantLayers: configuration '${config.name}' is not quantized.`);
  }
  const weights = (layer: WeightLayerName): Record<string, unknown> => ({
    ...weightQuantOptions(weightBitWidth, weightScales[layer] ?? 1),
    biasQuant: Int32Bias,
  });
  const percentile = activationPercentile(actBitWidth);
  return {
    name: config.name,
    input: () => new QuantIdentity({ bitWidth: inputBitWidth, returnQuantTensor: true, collectStatsSteps: COLLECT_STATS_STEPS }),
    conv2d: (options, layer) => new QuantConv2d({ ...options, ...weights(layer) }),
    linear: (options, layer) => new QuantLinear({ ...options, ...weights(layer) }),
    activation: () => new QuantReLU({
      bitWidth: actBitWidth,
      returnQuantTensor: true,
      collectStatsSteps: COLLECT_STATS_STEPS,
      ...(percentile === 99.999 ? {} : { highPercentileQ: percentile }),
    }),
  };
}
