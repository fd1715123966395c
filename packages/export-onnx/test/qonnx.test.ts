/**
 * QONNX export: Quant on activations, weights and biases, BipolarQuant for binary quantizers, Trunc
 * for TruncAvgPool2d. onnxruntime cannot run QONNX nodes, so the numbers are checked by running the
 * model with each QONNX node replaced by its definition in standard operators
 * (helpers/qonnx-reference.ts). Binary and truncating layers are checked in QCDQ as well.
 */
import * as P from '@parvus/core';
import { describe, expect, it } from 'vitest';
import { QONNX_DOMAIN, exportOnnxQcdq, exportQonnx } from '../src/index.js';
import { checked, checkerAcceptsEveryModel } from './helpers/onnx-checker.js';
import { attribute, decode, initializers, nodesOf, opTypes } from './helpers/model-proto.js';
import { QuantLeNet5, calibrate, countDiffering, evalOutput, logitTolerance, maxAbsDiff, randomInput, scaleOf } from './helpers/models.js';
import { runOnnx } from './helpers/onnxruntime.js';
import { qonnxToStandardOnnx } from './helpers/qonnx-reference.js';

async function runQonnx(bytes: Uint8Array, x: P.Tensor): Promise<Float32Array> {
  return runOnnx(qonnxToStandardOnnx(bytes), x.dataSync() as Float32Array, x.shape);
}

/** The scalar value of a float initializer. */
function scalarOf(bytes: Uint8Array, name: string): number {
  const init = decode(bytes).graph!.initializer.find((i) => i.name === name)!;
  return new Float32Array(init.rawData.slice().buffer)[0] as number;
}

describe('QONNX export', () => {
  it('LeNet-5: Quant nodes with bit width, sign and narrow range for activations, weights and biases', async () => {
    const model = new QuantLeNet5({ generator: new P.Generator(3) });
    calibrate(model, [16, 1, 28, 28], 3, 21);
    const x = randomInput([8, 1, 28, 28], 22);
    const bytes = checked('QONNX LeNet-5', await exportQonnx(model, x));
    const proto = decode(bytes);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13], [QONNX_DOMAIN, 1]]);
    const quants = nodesOf(proto, 'Quant');
    expect(quants).toHaveLength(15);
    expect(quants.every((node) => node.domain === QONNX_DOMAIN && attribute(node, 'rounding_mode') === 'ROUND')).toBe(true);
    const byInput = (prefix: string) => quants.find((node) => node.name.startsWith(prefix))!;
    const relu = byInput('relu1.actQuant/');
    expect([attribute(relu, 'signed'), attribute(relu, 'narrow'), scalarOf(bytes, relu.input[3]!)]).toEqual([0, 0, 4]);
    const weight = quants.find((node) => node.input[0] === 'conv1.weightQuant.value')!;
    expect([attribute(weight, 'signed'), attribute(weight, 'narrow'), scalarOf(bytes, weight.input[3]!)]).toEqual([1, 1, 4]);
    const bias = quants.find((node) => node.input[0] === 'conv1.biasQuant.value')!;
    expect([attribute(bias, 'signed'), attribute(bias, 'narrow'), scalarOf(bytes, bias.input[3]!)]).toEqual([1, 0, 32]);
    const expected = evalOutput(model, x);
    expect(maxAbsDiff(await runQonnx(bytes, x), expected)).toBeLessThanOrEqual(logitTolerance(model));
  });

  it('per-channel weight scales have the weight\'s rank (QuantConv2d: [out, 1, 1, 1])', async () => {
    const layer = new P.QuantConv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, weightQuant: P.Int8WeightPerChannelFloat, generator: new P.Generator(4) });
    const bytes = checked('QONNX per-channel conv', await exportQonnx(layer, randomInput([1, 2, 5, 5], 4)));
    expect(initializers(decode(bytes)).get('QuantConv2d.weightQuant.scale')?.dims).toEqual([4, 1, 1, 1]);
  });

  it('binary weights (SignedBinaryWeightPerTensorConst): BipolarQuant in QONNX, int8 ±1 through DequantizeLinear in QCDQ', async () => {
    const layer = new P.QuantLinear({
      inFeatures: 12, outFeatures: 5, bias: false, weightQuant: P.SignedBinaryWeightPerTensorConst,
      inputQuant: P.Int8ActPerTensorFloat, outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(5),
    });
    calibrate(layer, [4, 12], 3, 5);
    const x = randomInput([6, 12], 6);
    const expected = evalOutput(layer, x);
    const step = scaleOf(layer.outputQuant.scale());

    const qonnx = checked('QONNX binary weights', await exportQonnx(layer, x));
    const bipolar = nodesOf(decode(qonnx), 'BipolarQuant');
    expect(bipolar.map((node) => node.input[0])).toEqual(['QuantLinear.weightQuant.value']);
    expect(maxAbsDiff(await runQonnx(qonnx, x), expected)).toBeLessThanOrEqual(step);

    const qcdq = checked('QCDQ binary weights', await exportOnnxQcdq(layer, x));
    const weight = decode(qcdq).graph!.initializer.find((i) => i.name === 'QuantLinear.weightQuant.int8')!;
    expect(new Set(new Int8Array(weight.rawData.slice().buffer))).toEqual(new Set([-1, 1]));
    expect(maxAbsDiff(await runOnnx(qcdq, x.dataSync() as Float32Array, x.shape), expected)).toBeLessThanOrEqual(step);
  });

  it('binary activations (SignedBinaryActPerTensorConst): BipolarQuant on the data path', async () => {
    const layer = new P.QuantIdentity({ actQuant: P.SignedBinaryActPerTensorConst });
    const x = randomInput([4, 3, 5], 7);
    const expected = evalOutput(layer, x);
    const qonnx = checked('QONNX binary activations', await exportQonnx(layer, x));
    expect(opTypes(decode(qonnx))).toEqual(['BipolarQuant', 'Identity']);
    expect(maxAbsDiff(await runQonnx(qonnx, x), expected)).toBe(0);
    const qcdq = checked('QCDQ binary activations', await exportOnnxQcdq(layer, x));
    expect(maxAbsDiff(await runOnnx(qcdq, x.dataSync() as Float32Array, x.shape), expected)).toBe(0);
  });

  for (const [quantizer, roundingMode] of [['RoundTo8bit', 'ROUND'], ['TruncTo8bit', 'FLOOR']] as const) {
    it(`TruncAvgPool2d (${quantizer}): Trunc with rounding_mode ${roundingMode}; plain operators in QCDQ`, async () => {
      const model = new P.Sequential(
        new P.QuantIdentity({ returnQuantTensor: true }),
        new P.TruncAvgPool2d({ kernelSize: 2, truncQuant: P[quantizer] }),
      );
      calibrate(model, [4, 3, 6, 6], 3, 8);
      const x = randomInput([4, 3, 6, 6], 9);
      const expected = evalOutput(model, x);

      const qonnx = checked(`QONNX ${quantizer}`, await exportQonnx(model, x));
        const proto = decode(qonnx);
      expect(opTypes(proto)).toEqual(['Quant', 'AveragePool', 'Trunc', 'Identity']);
      const trunc = nodesOf(proto, 'Trunc')[0]!;
      expect(trunc.domain).toBe(QONNX_DOMAIN);
      expect(trunc.input).toHaveLength(6);
      expect([attribute(trunc, 'rounding_mode'), attribute(trunc, 'signed'), attribute(trunc, 'narrow')]).toEqual([roundingMode, 1, 0]);
      expect(proto.opsetImport.find((o) => o.domain === QONNX_DOMAIN)?.version).toBe(2n);
      const outputStep = scalarOf(qonnx, trunc.input[4]!);
      expect(maxAbsDiff(await runQonnx(qonnx, x), expected)).toBeLessThanOrEqual(outputStep);

      const qcdq = checked(`QCDQ ${quantizer}`, await exportOnnxQcdq(model, x));
        const actual = await runOnnx(qcdq, x.dataSync() as Float32Array, x.shape);
      expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(outputStep);
      expect(countDiffering(actual, expected)).toBeLessThanOrEqual(Math.ceil(expected.length * 0.02));
    });
  }

  checkerAcceptsEveryModel(it);
});
