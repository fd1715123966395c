/** Tracing leaves the model and the engine as it found them, and exports are reproducible. */
import * as P from '@parvus/core';
import { ReferenceBackend, referenceKernelConfigs } from '@parvus/backend-reference';
import { describe, expect, it } from 'vitest';
import { ExportError, exportOnnxQcdq, exportQonnx } from '../src/index.js';
import { QuantLeNet5, calibrate, evalOutput, maxAbsDiff, randomInput, scaleOf } from './helpers/models.js';
import { checked, checkerAcceptsEveryModel } from './helpers/onnx-checker.js';
import { runOnnx } from './helpers/onnxruntime.js';

function ownForwards(model: P.Module): string[] {
  return model.namedModules().filter(([, m]) => Object.prototype.hasOwnProperty.call(m, 'forward')).map(([name]) => name);
}

describe('tracing', () => {
  it('restores forwards, training flags and the backend, leaks no tensors, and leaves the outputs unchanged', async () => {
    const model = new QuantLeNet5({ generator: new P.Generator(4) });
    calibrate(model, [8, 1, 28, 28], 3, 30);
    const x = randomInput([4, 1, 28, 28], 31);
    const before = evalOutput(model, x);
    model.train();
    const tensors = P.memory().numTensors;
    checked('LeNet-5 QCDQ', await exportOnnxQcdq(model, x));
    checked('LeNet-5 QONNX', await exportQonnx(model, x));
    expect(ownForwards(model)).toEqual([]);
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(P.getBackend()).toBe('reference');
    expect(P.memory().numTensors).toBe(tensors);
    expect(evalOutput(model, x)).toEqual(before);
  });

  it('restores all of it when the export fails', async () => {
    class Gate extends P.Module {
      readonly inner = this.registerModule('inner', new P.QuantIdentity());
      forward(x: P.Tensor): P.Tensor {
        const y = this.inner.forward(x) as P.Tensor;
        return y.dataSync()[0]! > 0 ? y : P.neg(y);
      }
    }
    const model = new Gate();
    const tensors = P.memory().numTensors;
    await expect(exportOnnxQcdq(model, randomInput([2, 3], 32))).rejects.toSatisfy((e: unknown) => ExportError.isInstance(e));
    expect(ownForwards(model)).toEqual([]);
    expect(model.training).toBe(true);
    expect(P.getBackend()).toBe('reference');
    // The sample input is the only new tensor.
    expect(P.memory().numTensors).toBe(tensors + 1);
  });

  it('is deterministic: the same module and sample give the same bytes', async () => {
    const layer = new P.QuantConv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(5) });
    calibrate(layer, [2, 2, 5, 5], 3, 33);
    const x = randomInput([1, 2, 5, 5], 34);
    expect(await exportOnnxQcdq(layer, x)).toEqual(await exportOnnxQcdq(layer, x));
  });

  it('a sample of batch 1 gives a model that runs any batch size', async () => {
    const layer = new P.QuantLinear({ inFeatures: 6, outFeatures: 3, inputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(6) });
    calibrate(layer, [4, 6], 3, 35);
    const bytes = checked('batch-1 sample', await exportOnnxQcdq(layer, randomInput([1, 6], 36)));
    for (const batch of [1, 5]) {
      const x = randomInput([batch, 6], 37 + batch);
      expect(Array.from(await runOnnx(bytes, x.dataSync() as Float32Array, x.shape))).toHaveLength(batch * 3);
    }
  });

  it('exports float layers (no quantizers) as plain ONNX with float weights', async () => {
    const model = new P.Sequential(new P.nn.Linear({ inFeatures: 4, outFeatures: 3, generator: new P.Generator(7) }), new P.nn.ReLU());
    const x = randomInput([2, 4], 38);
    const bytes = checked('float layers', await exportOnnxQcdq(model, x));
    const actual = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape);
    const expected = evalOutput(model, x);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
  });

  it('a linear layer on [N, T, features] keeps the batch symbolic (its reshapes infer the first axis)', async () => {
    const layer = new P.QuantLinear({
      inFeatures: 6, outFeatures: 3, biasQuant: P.Int32Bias, inputQuant: P.Int8ActPerTensorFloat,
      outputQuant: P.Int8ActPerTensorFloat, generator: new P.Generator(8),
    });
    calibrate(layer, [2, 4, 6], 3, 39);
    const bytes = checked('3-D linear', await exportOnnxQcdq(layer, randomInput([2, 4, 6], 40)));
    const x = randomInput([5, 4, 6], 41);
    const actual = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape);
    expect(maxAbsDiff(actual, evalOutput(layer, x))).toBeLessThanOrEqual(scaleOf(layer.outputQuant.scale()) * (1 + 1e-6));
  });

  it('exports a model whose parameters live on a backend without synchronous reads', async () => {
    class AsyncOnlyBackend extends ReferenceBackend {
      override readonly name: string = 'async-only';
      override async read(dataId: P.DataId): Promise<P.TypedArray> {
        return this.values({ dataId, shape: [], dtype: 'float32' }).slice();
      }
    }
    for (const config of referenceKernelConfigs) P.registerKernel({ ...config, backendName: 'async-only' });
    P.registerBackend('async-only', () => {
      const backend = new AsyncOnlyBackend();
      Object.defineProperty(backend, 'readSync', { value: undefined });
      return backend;
    }, 0);
    await P.setBackend('async-only');
    try {
      // Quantized layers read scalars back (Brevitas's checks), which such a backend cannot do; a float layer can run there.
      const layer = new P.nn.Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, generator: new P.Generator(9) });
      const x = P.keep(P.randn([2, 2, 5, 5], { generator: new P.Generator(42) }));
      const expected = await P.tidy(() => layer.forward(x) as P.Tensor).data();
      const bytes = checked('async-only backend', await exportOnnxQcdq(layer, x));
      expect(P.getBackend()).toBe('async-only');
      expect(maxAbsDiff(await runOnnx(bytes, (await x.data()) as Float32Array, x.shape), expected)).toBeLessThan(1e-5);
      // The parameters moved back when the layer ran again on its backend.
      expect(await P.tidy(() => layer.forward(x) as P.Tensor).data()).toEqual(expected);
      expect(P.engine().backendOf(layer.weight).name).toBe('async-only');
    } finally {
      await P.setBackend('reference');
    }
  });

  checkerAcceptsEveryModel(it);
});
