/**
 * The MNIST LeNet-5 (4-bit weights and activations, Int32 biases, float logits) exported as QCDQ:
 * the graph the MNIST program ships, checked, run in onnxruntime on another batch size, and
 * compared with Parvus's eval output.
 *
 * Tolerance of the logits: the last layer's input activations may each differ by one quantization
 * step (see qcdq-layers.test.ts), so a logit may move by at most one input step times the largest
 * sum of |weight| over an output row; float summation adds a few ulps on top.
 */
import * as P from '@parvus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnxQcdq } from '../src/index.js';
import { checked, checkerAcceptsEveryModel } from './helpers/onnx-checker.js';
import { decode, floatWeights, initializers, opTypes } from './helpers/model-proto.js';
import { QuantLeNet5, argmaxRows, calibrate, evalOutput, logitTolerance, maxAbsDiff, randomInput } from './helpers/models.js';
import { nodeRuntimeUnavailable, runOnnx } from './helpers/onnxruntime.js';

describe('LeNet-5 QCDQ export', () => {
  const model = new QuantLeNet5({ generator: new P.Generator(1) });
  let bytes: Uint8Array;
  const x = randomInput([64, 1, 28, 28], 42);

  beforeAll(async () => {
    calibrate(model, [16, 1, 28, 28], 3, 11);
    bytes = checked('LeNet-5 4-bit', await exportOnnxQcdq(model, randomInput([2, 1, 28, 28], 5)));
  });

  it('is the quantized LeNet-5 graph: Q/DQ input, Conv/Relu/QCDQ/MaxPool ×2, Gemm/Relu/QCDQ ×2, Gemm', () => {
    const model = decode(bytes);
    const ops = opTypes(model).filter((op) => op !== 'DequantizeLinear');
    expect(ops).toEqual([
      'QuantizeLinear',
      'Conv', 'Relu', 'QuantizeLinear', 'Clip', 'MaxPool',
      'Conv', 'Relu', 'QuantizeLinear', 'Clip', 'MaxPool',
      'Reshape',
      'Gemm', 'Relu', 'QuantizeLinear', 'Clip',
      'Gemm', 'Relu', 'QuantizeLinear', 'Clip',
      'Gemm',
      'Identity',
    ]);
    // Five activation quantizers, five integer weights, five int32 biases.
    expect(opTypes(model).filter((op) => op === 'DequantizeLinear')).toHaveLength(15);
    expect(model.graph!.input[0]!.name).toBe('input');
    expect(model.graph!.output[0]!.name).toBe('output');
  });

  it('holds integer weights (int8) and biases (int32), no float copies', () => {
    const model = decode(bytes);
    const inits = initializers(model);
    for (const layer of ['conv1', 'conv2', 'fc1', 'fc2', 'fc3']) {
      expect(inits.get(`${layer}.weightQuant.int8`)?.type).toBe('int8');
      expect(inits.get(`${layer}.biasQuant.int32`)?.type).toBe('int32');
    }
    expect(inits.get('conv2.weightQuant.int8')?.dims).toEqual([16, 6, 5, 5]);
    expect(floatWeights(model)).toEqual([]);
  });

  it('runs in onnxruntime-web (wasm) on a batch of 64 and reproduces the eval logits', async () => {
    const expected = evalOutput(model, x);
    const actual = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape);
    const tolerance = logitTolerance(model);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(tolerance);
    const disagreements = argmaxRows(actual, 10).filter((c, i) => c !== argmaxRows(expected, 10)[i]);
    expect(disagreements.length).toBeLessThanOrEqual(1);
  });

  it.skipIf(nodeRuntimeUnavailable !== null)(`runs in onnxruntime-node${nodeRuntimeUnavailable ? ` (skipped: ${nodeRuntimeUnavailable})` : ''}`, async () => {
    const expected = evalOutput(model, x);
    const actual = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape, 'node');
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(logitTolerance(model));
  });

  it('per-channel 8-bit weights export and run too', async () => {
    const perChannel = new QuantLeNet5({ perChannel: true, weightBitWidth: 8, activationBitWidth: 8, generator: new P.Generator(2) });
    calibrate(perChannel, [16, 1, 28, 28], 3, 12);
    const exported = checked('LeNet-5 per-channel 8-bit', await exportOnnxQcdq(perChannel, x));
    const expected = evalOutput(perChannel, x);
    const actual = await runOnnx(exported, x.dataSync() as Float32Array, x.shape);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(logitTolerance(perChannel));
    // 8-bit activations: QuantizeLinear saturates exactly at the range, no Clip.
    expect(opTypes(decode(exported))).not.toContain('Clip');
  });

  checkerAcceptsEveryModel(it);
});
