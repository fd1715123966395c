/**
 * What a weight layer's quantizer does to its weights: the grid (integer levels × scale) and how
 * the weights fall on it, read from the layer's `quantWeight()` (Brevitas's `quant_weight()`).
 */
import { IntQuantTensor, QuantConv2d, QuantLinear, noGrad, tidy } from '@parvus/core';
import type { LeNet5, WeightLayerName } from './model.js';

export interface WeightGrid {
  /** The per-tensor scale (step between levels). */
  scale: number;
  bitWidth: number;
  signed: boolean;
  narrowRange: boolean;
  /** The integer levels, ascending (binary: −1, 1). */
  integers: number[];
  /** Share of the weights on each level (sums to 1). */
  shares: number[];
  /** Levels holding at least one weight. */
  levelsUsed: number;
  /** Share of weights beyond the grid's end levels (clipped). */
  clippedShare: number;
}

export interface LayerWeights {
  name: WeightLayerName;
  shape: readonly number[];
  /** The (latent, float) weights the optimizer updates. */
  values: Float32Array;
  /** The grid of a quantized layer; null for a float one. */
  grid: WeightGrid | null;
}

function integerLevels(bitWidth: number, signed: boolean, narrowRange: boolean): number[] {
  if (bitWidth === 1) return signed ? [-1, 1] : [0, 1];
  const lo = signed ? -(2 ** (bitWidth - 1)) + (narrowRange ? 1 : 0) : 0;
  const hi = signed ? 2 ** (bitWidth - 1) - 1 : 2 ** bitWidth - 1 - (narrowRange ? 1 : 0);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** The weights of each weight layer and, for quantized layers, the grid they are quantized to. */
export function layerWeights(model: LeNet5): LayerWeights[] {
  return model.weightLayers().map(([name, layer]) => {
    const weight = layer.getParameter('weight');
    const values = Float32Array.from(weight.dataSync());
    if (!(layer instanceof QuantConv2d || layer instanceof QuantLinear)) return { name, shape: weight.shape, values, grid: null };
    const grid = noGrad(() => tidy(() => {
      const q = layer.quantWeight();
      if (!(q instanceof IntQuantTensor)) return null;
      const scale = q.scale.item();
      const bitWidth = q.bitWidth.item();
      const narrowRange = layer.weightQuant.isNarrowRange ?? false;
      const integers = integerLevels(bitWidth, q.signed, narrowRange);
      const counts = new Array<number>(integers.length).fill(0);
      const quantized = q.value.dataSync();
      const lo = integers[0] as number;
      const binary = bitWidth === 1;
      let clipped = 0;
      for (let i = 0; i < values.length; i++) {
        const level = Math.round((quantized[i] as number) / scale);
        const index = binary ? (level < 0 ? 0 : 1) : level - lo;
        counts[index] = (counts[index] ?? 0) + 1;
        const ideal = (values[i] as number) / scale;
        if (!binary && (ideal < lo - 0.5 || ideal > (integers[integers.length - 1] as number) + 0.5)) clipped++;
      }
      const total = values.length;
      return {
        scale,
        bitWidth,
        signed: q.signed,
        narrowRange,
        integers,
        shares: counts.map((c) => c / total),
        levelsUsed: counts.filter((c) => c > 0).length,
        clippedShare: clipped / total,
      };
    }));
    return { name, shape: weight.shape, values, grid };
  });
}
