/** Modules that cannot be exported get an ExportError naming the layer and the reason; bad arguments get clear errors. */
import * as P from '@parvus/core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExportError, exportOnnx, exportOnnxQcdq, exportQonnx } from '../src/index.js';
import { calibrate, evalOutput, maxAbsDiff, randomInput, scaleOf } from './helpers/models.js';
import { checked, checkerAcceptsEveryModel } from './helpers/onnx-checker.js';
import { runOnnx } from './helpers/onnxruntime.js';

/** A container with named children, run in order. */
class Chain extends P.Module {
  constructor(children: Record<string, P.Module>) {
    super();
    for (const [name, child] of Object.entries(children)) this.registerModule(name, child);
  }

  forward(x: P.Tensor): P.Tensor {
    let y: unknown = x;
    for (const child of this.children()) y = child.forward(y);
    return y as P.Tensor;
  }
}

/** Branches on the data: a static graph cannot follow it. */
class SignGate extends P.Module {
  forward(x: P.Tensor): P.Tensor {
    return (x.dataSync()[0] as number) > 0 ? P.relu(x) : x;
  }
}

/** A median over the last axis (KthValue on the data path). */
class MedianPool extends P.Module {
  forward(x: P.Tensor): P.Tensor {
    return P.kthValue(x, Math.ceil((x.shape[x.rank - 1] as number) / 2), -1).values;
  }
}

/** Swaps the batch axis with the features. */
class SwapAxes extends P.Module {
  forward(x: P.Tensor): P.Tensor {
    return P.permute(x, [1, 0]);
  }
}

async function exportError(promise: Promise<unknown>): Promise<ExportError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(ExportError.isInstance(error)).toBe(true);
  return error as ExportError;
}

describe('unexportable modules', () => {
  it('a forward that reads a value computed from the input names the layer and says why', async () => {
    const model = new Chain({ stem: new P.QuantIdentity(), gate: new SignGate() });
    const error = await exportError(exportOnnxQcdq(model, randomInput([2, 4], 1)));
    expect(error.layer).toBe('gate');
    expect(error.layerType).toBe('SignGate');
    expect(error.message).toMatch(/^Cannot export layer 'gate' \(SignGate\) to ONNX: its forward reads a value computed from the input back to the host/);
  });

  it('a kernel without ONNX lowering (KthValue on the data path) names the layer and the kernel', async () => {
    const model = new Chain({ stem: new P.QuantIdentity(), median: new MedianPool() });
    const error = await exportError(exportQonnx(model, randomInput([2, 5], 2)));
    expect(error.layer).toBe('median');
    expect(error.message).toContain("layer 'median' (MedianPool)");
    expect(error.reason).toContain("'KthValue'");
  });

  it('an activation quantizer wider than 8 bits names the quantizer and points at opset 21, which exports it as int16', async () => {
    const model = new Chain({ wide: new P.QuantIdentity({ bitWidth: 12 }) });
    calibrate(model, [4, 6], 3, 3);
    const x = randomInput([3, 6], 4);
    const error = await exportError(exportOnnxQcdq(model, x));
    expect(error.layer).toBe('wide');
    expect(error.modulePath).toBe('wide.actQuant.fusedActivationQuantProxy.tensorQuant.intQuant');
    expect(error.message).toContain('[-2048, 2047]');
    expect(error.message).toContain('opsetVersion 21');
    // Not given to the checker: Debian's onnx 1.12 predates opset 21.
    const bytes = await exportOnnxQcdq(model, x, { opsetVersion: 21 });
    const step = scaleOf((model.getSubmodule('wide') as P.QuantIdentity).quantActScale());
    expect(maxAbsDiff(await runOnnx(bytes, x.dataSync() as Float32Array, x.shape), evalOutput(model, x))).toBeLessThanOrEqual(step);
  });

  it('a layer that moves the batch axis fails with dynamicBatch and exports with dynamicBatch: false', async () => {
    const model = new Chain({ stem: new P.QuantIdentity(), swap: new SwapAxes() });
    calibrate(model, [3, 4], 3, 5);
    const x = randomInput([3, 4], 6);
    const error = await exportError(exportOnnxQcdq(model, x));
    expect(error.layer).toBe('swap');
    expect(error.message).toContain('{ dynamicBatch: false }');
    const bytes = checked('static batch', await exportOnnxQcdq(model, x, { dynamicBatch: false }));
    expect(maxAbsDiff(await runOnnx(bytes, x.dataSync() as Float32Array, x.shape), evalOutput(model, x))).toBe(0);
  });

  it('a forward that returns something other than tensors is refused', async () => {
    class Counter extends P.Module {
      forward(): number {
        return 3;
      }
    }
    const error = await exportError(exportOnnxQcdq(new Counter(), randomInput([1, 2], 7)));
    expect(error.message).toContain('an exported module must return a Tensor, an IntQuantTensor or an array of them');
  });
});

describe('arguments', () => {
  const layer = new P.QuantLinear({ inFeatures: 4, outFeatures: 2, generator: new P.Generator(8) });
  const x = randomInput([2, 4], 9);

  it.each([
    [{ opset: 13 }, /exportOnnxQcdq: unknown option 'opset'; the options are opsetVersion, dynamicBatch/],
    [{ opsetVersion: 12 }, /opsetVersion must be an integer from 13 to 21, got 12/],
    [{ opsetVersion: 13.5 }, /opsetVersion must be an integer from 13 to 21, got 13.5/],
    [{ dynamicBatch: 'yes' }, /dynamicBatch must be true or false, got yes/],
    [{ inputName: '' }, /inputName must be a non-empty string/],
    [{ outputNames: [] }, /outputNames must be a non-empty array of distinct non-empty strings/],
    [{ outputNames: ['logits', 'logits'] }, /outputNames must be a non-empty array of distinct/],
    [{ outputNames: ['input'] }, /output name 'input' is also the input's name/],
    [{ outputNames: ['a', 'b'] }, /outputNames has 2 names but the module returns 1 outputs/],
    [{ file: 3 }, /file must be a non-empty path, got 3/],
    ['fast', /options must be an object, got fast/],
  ])('options %j are refused', async (options, message) => {
    await expect(exportOnnxQcdq(layer, x, options as never)).rejects.toThrow(message);
  });

  it('module, sample input and format are checked', async () => {
    await expect(exportOnnxQcdq({} as never, x)).rejects.toThrow(/exportOnnxQcdq: module must be a Parvus Module, got Object/);
    await expect(exportQonnx(layer, [1, 2, 3, 4] as never)).rejects.toThrow(/exportQonnx: sampleInput must be a Tensor/);
    const disposed = P.ones([2, 4]);
    disposed.dispose();
    await expect(exportOnnxQcdq(layer, disposed)).rejects.toThrow(/sampleInput has been disposed/);
    await expect(exportOnnxQcdq(layer, P.scalar(1))).rejects.toThrow(/a rank-0 sampleInput has no batch axis/);
    await expect(exportOnnx('onnx' as never, layer, x)).rejects.toThrow(/format must be 'qcdq' or 'qonnx', got onnx/);
  });

  it('names the graph input and outputs and writes the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parvus-export-')), 'linear.onnx');
    const bytes = checked('named input and output', await exportOnnxQcdq(layer, x, { inputName: 'features', outputNames: ['logits'], file, modelName: 'tiny' }));
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
    const out = await runOnnx(bytes, x.dataSync() as Float32Array, x.shape);
    expect(out).toHaveLength(4);
  });
});

describe('ONNX checker', () => {
  checkerAcceptsEveryModel(it);
});
