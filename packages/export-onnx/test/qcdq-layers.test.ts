/**
 * QCDQ export of every weight layer type, per-tensor and per-channel weights, 8 and 4 bits, with an
 * Int32 bias and 8-bit input and output quantizers: the checker accepts the model, its initializers
 * are integers, and onnxruntime reproduces Parvus's eval output within one step of the output
 * quantizer.
 *
 * Why one step: the weights dequantize bit for bit and QuantizeLinear rounds half to even like
 * Parvus, but onnxruntime sums the products of a convolution in another order, so an accumulator
 * that lands within float rounding of a rounding boundary can round to the neighbouring integer.
 */
import * as P from '@parvus/core';
import { describe, expect, it } from 'vitest';
import { exportOnnxQcdq } from '../src/index.js';
import { checkModel, checked, checkerAcceptsEveryModel, checkerUnavailable } from './helpers/onnx-checker.js';
import { attribute, decode, floatWeights, initializers, nodesOf, opTypes } from './helpers/model-proto.js';
import { calibrate, countDiffering, evalOutput, maxAbsDiff, randomInput, scaleOf } from './helpers/models.js';
import { nodeRuntimeUnavailable, runOnnx } from './helpers/onnxruntime.js';

interface LayerCase {
  name: string;
  /** Input shape for batch 1 (the batch is prepended). */
  sample: number[];
  /** The weight's output-channel axis, as DequantizeLinear's per-axis attribute gives it. */
  channelAxis: number;
  make(options: Record<string, unknown>): P.Module & { outputQuant: P.ActQuantProxyFromInjector };
}

const LAYERS: LayerCase[] = [
  { name: 'QuantConv1d', sample: [3, 10], channelAxis: 0, make: (o) => new P.QuantConv1d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, ...o }) },
  { name: 'QuantConv2d', sample: [3, 7, 7], channelAxis: 0, make: (o) => new P.QuantConv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, ...o }) },
  { name: 'QuantConvTranspose1d', sample: [3, 6], channelAxis: 1, make: (o) => new P.QuantConvTranspose1d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, ...o }) },
  { name: 'QuantConvTranspose2d', sample: [3, 4, 5], channelAxis: 1, make: (o) => new P.QuantConvTranspose2d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, ...o }) },
  { name: 'QuantLinear', sample: [12], channelAxis: 0, make: (o) => new P.QuantLinear({ inFeatures: 12, outFeatures: 5, ...o }) },
];

const WEIGHTS = [
  { name: 'per-tensor', quant: P.Int8WeightPerTensorFloat, perChannel: false },
  { name: 'per-channel', quant: P.Int8WeightPerChannelFloat, perChannel: true },
];

async function exportAndCompare(label: string, layer: P.Module & { outputQuant: P.ActQuantProxyFromInjector }, sample: number[], seed: number): Promise<Uint8Array> {
  calibrate(layer, [4, ...sample], 3, seed);
  const bytes = checked(label, await exportOnnxQcdq(layer, randomInput([2, ...sample], seed + 10)));
  // Another batch size than the sample's: the batch axis is symbolic.
  const x = randomInput([3, ...sample], seed + 20);
  const expected = evalOutput(layer, x);
  const actual = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape);
  const step = scaleOf(layer.outputQuant.scale());
  expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(step * (1 + 1e-6));
  // Rounding flips are rare: almost every element is bit-identical.
  expect(countDiffering(actual, expected)).toBeLessThanOrEqual(Math.ceil(expected.length * 0.02));
  x.dispose();
  return bytes;
}

describe('QCDQ export of weight layers', () => {
  let seed = 0;
  for (const layerCase of LAYERS) {
    for (const weights of WEIGHTS) {
      for (const bitWidth of [8, 4]) {
        const s = (seed += 100);
        it(`${layerCase.name}, ${weights.name} ${bitWidth}-bit weights, Int32 bias: onnxruntime within one output step`, async () => {
          const layer = layerCase.make({
            weightQuant: weights.quant,
            weightBitWidth: bitWidth,
            biasQuant: P.Int32Bias,
            inputQuant: P.Int8ActPerTensorFloat,
            outputQuant: P.Int8ActPerTensorFloat,
            generator: new P.Generator(s),
          });
          const bytes = await exportAndCompare(`${layerCase.name} ${weights.name} ${bitWidth}-bit`, layer, layerCase.sample, s);
          const model = decode(bytes);
          const inits = initializers(model);
          // Integer weights and an int32 bias through DequantizeLinear; no float copy of either.
          expect(floatWeights(model)).toEqual([]);
          const weightInit = [...inits].find(([name]) => name.includes('weightQuant') && !name.endsWith('scale') && !name.endsWith('zero_point'));
          expect(weightInit?.[1].type).toBe('int8');
          const biasInit = [...inits].find(([name]) => name.includes('biasQuant') && !name.endsWith('scale'));
          expect(biasInit?.[1].type).toBe('int32');
          const weightDq = nodesOf(model, 'DequantizeLinear').find((node) => node.input[0] === weightInit?.[0]);
          expect(attribute(weightDq!, 'axis')).toBe(weights.perChannel ? layerCase.channelAxis : undefined);
          // 4-bit weights need no Clip (constants are integers already); 8-bit activations need none.
          expect(opTypes(model).filter((op) => op === 'Clip')).toEqual([]);
        });
      }
    }
  }

  it('convolution geometry: stride, padding, dilation and groups (QuantConv2d), output padding (QuantConvTranspose2d)', async () => {
    const conv = new P.QuantConv2d({
      inChannels: 4, outChannels: 6, kernelSize: [3, 2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2,
      weightQuant: P.Int8WeightPerChannelFloat, biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat,
      outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(7),
    });
    await exportAndCompare('QuantConv2d geometry', conv, [4, 9, 8], 7);
    const transposed = new P.QuantConvTranspose2d({
      inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2,
      weightQuant: P.Int8WeightPerTensorFloat, biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat,
      outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(8),
    });
    const bytes = await exportAndCompare('QuantConvTranspose2d geometry', transposed, [4, 5, 4], 8);
    const node = nodesOf(decode(bytes), 'ConvTranspose')[0]!;
    expect(attribute(node, 'output_padding')).toEqual([1, 1]);
    expect(attribute(node, 'group')).toBe(2);
  });

  it('1-D layers become 1-D Conv / ConvTranspose nodes with the bias as their third input', async () => {
    for (const layerCase of LAYERS.filter((l) => l.name.endsWith('1d'))) {
      const layer = layerCase.make({ biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat, outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(3) });
      const bytes = await exportAndCompare(`${layerCase.name} 1-D`, layer, layerCase.sample, 3);
      const model = decode(bytes);
      const conv = model.graph!.node.find((node) => node.opType.startsWith('Conv'))!;
      expect(conv.input).toHaveLength(3);
      expect((attribute(conv, 'kernel_shape') as number[]).length).toBe(1);
      expect(opTypes(model)).not.toContain('Reshape');
      expect(opTypes(model)).not.toContain('Add');
    }
  });

  it('a linear layer is a Gemm on the [out, in] integer weight with transB', async () => {
    const layer = new P.QuantLinear({ inFeatures: 12, outFeatures: 5, biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat, outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(4) });
    const bytes = await exportAndCompare('QuantLinear Gemm', layer, [12], 4);
    const model = decode(bytes);
    const gemm = nodesOf(model, 'Gemm')[0]!;
    expect(attribute(gemm, 'transB')).toBe(1);
    expect(gemm.input).toHaveLength(3);
    expect(initializers(model).get('QuantLinear.weightQuant.int8')).toEqual({ type: 'int8', dims: [5, 12] });
  });

  it('a 4-bit activation quantizer is QuantizeLinear → Clip → DequantizeLinear; the input quantizer is Q → DQ', async () => {
    const layer = new P.QuantConv2d({
      inChannels: 2, outChannels: 3, kernelSize: 3, inputQuant: P.Int8ActPerTensorFloat,
      outputQuant: P.Uint8ActPerTensorFloat, outputBitWidth: 4, generator: new P.Generator(5),
    });
    const bytes = await exportAndCompare('QuantConv2d 4-bit output', layer, [2, 6, 6], 5);
    const model = decode(bytes);
    expect(opTypes(model)).toEqual(['QuantizeLinear', 'DequantizeLinear', 'DequantizeLinear', 'Conv', 'QuantizeLinear', 'Clip', 'DequantizeLinear', 'Identity']);
    const clip = nodesOf(model, 'Clip')[0]!;
    const inits = initializers(model);
    expect(inits.get(clip.input[1]!)?.type).toBe('uint8');
    expect(inits.get(clip.input[2]!)?.type).toBe('uint8');
  });

  it.skipIf(nodeRuntimeUnavailable !== null)(`onnxruntime-node agrees too${nodeRuntimeUnavailable ? ` (skipped: ${nodeRuntimeUnavailable})` : ''}`, async () => {
    const layer = new P.QuantConv2d({
      inChannels: 3, outChannels: 4, kernelSize: 3, weightQuant: P.Int8WeightPerChannelFloat, weightBitWidth: 4,
      biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat, outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(9),
    });
    calibrate(layer, [4, 3, 7, 7], 3, 9);
    const x = randomInput([3, 3, 7, 7], 19);
    const bytes = checked('QuantConv2d for onnxruntime-node', await exportOnnxQcdq(layer, x));
    const expected = evalOutput(layer, x);
    const actual = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape, 'node');
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(scaleOf(layer.outputQuant.scale()) * (1 + 1e-6));
  });
});

describe('ONNX checker', () => {
  it.skipIf(checkerUnavailable !== null)(`rejects a broken model${checkerUnavailable ? ` (skipped: ${checkerUnavailable})` : ''}`, async () => {
    await expect(checkModel(new Uint8Array([8, 200, 1]))).rejects.toThrow(/rejected/);
  });

  checkerAcceptsEveryModel(it);
});
