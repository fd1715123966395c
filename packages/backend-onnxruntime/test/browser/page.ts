/**
 * The page of test/browser.test.ts, bundled with vite: conv2d, and a QuantIdentity → QuantConv2d
 * with 4-bit weights, forward and backward on 'onnxruntime-webgpu' and, for comparison, on
 * 'onnxruntime' (wasm), in the browser.
 */
import type { Tensor } from '@parvus/core';
import * as P from '@parvus/core';
import type { OnnxruntimeBackend } from '../../src/index.js';
import { configureOnnxruntime } from '../../src/index.js';

export interface ConvRun {
  backend: string;
  description: string;
  location: string;
  y: number[];
  dx: number[];
  dw: number[];
  db: number[];
  sessionsCreated: number;
}

/** A QuantConv2d forward (its output QuantTensor's fields) and backward, read back. */
export interface QuantConvRun {
  backend: string;
  /** Where the output's value lives ('gpu-buffer' on WebGPU). */
  location: string;
  /** Where the input's gradient lives. */
  gradientLocation: string;
  isQuantTensor: boolean;
  value: number[];
  scale: number[];
  zeroPoint: number[];
  bitWidth: number[];
  signed: boolean;
  dx: number[];
  dw: number[];
  db: number[];
}

/** What the page exposes to the test (on globalThis: this package compiles without the DOM library). */
/** A few QAT steps of a small network, and what a bad label gives. */
export interface TrainingRun {
  backend: string;
  /** The loss before each SGD step. */
  losses: number[];
  /** The 4-bit codes of the ReLU's output in eval mode (`int()`), after training. */
  codes: number[];
  /** `isValidAsync()` of that output. */
  valid: boolean;
  /** The message `data()` rejects with after a forward with a class index out of range. */
  badLabelError: string;
}

export interface PageGlobals {
  parvusConvCheck?: (backendName: string) => Promise<ConvRun>;
  parvusQuantConvCheck?: (backendName: string) => Promise<QuantConvRun>;
  parvusTrainingCheck?: (backendName: string) => Promise<TrainingRun>;
}

// The server maps /ort/ to onnxruntime-web's dist folder (the .wasm and .mjs files).
configureOnnxruntime('webgpu', { wasmPaths: '/ort/' });
configureOnnxruntime('wasm', { wasmPaths: '/ort/', numThreads: 1 });

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return Math.fround((s / 2 ** 32) * 2 - 1);
  });
}

(globalThis as PageGlobals).parvusConvCheck = async (backendName: string): Promise<ConvRun> => {
  await P.setBackend(backendName);
  const backend = P.engine().backend as OnnxruntimeBackend;
  const x = P.tensor(values(2 * 3 * 8 * 8, 1), [2, 3, 8, 8]).requiresGrad_();
  const w = P.tensor(values(4 * 3 * 3 * 3, 2), [4, 3, 3, 3]).requiresGrad_();
  const b = P.tensor(values(4, 3), [4]).requiresGrad_();
  const upstream = P.tensor(values(2 * 4 * 4 * 4, 4), [2, 4, 4, 4]);
  const y = P.tidy(() => {
    const out = P.conv2d(x, w, b, { stride: 2, padding: 1 });
    P.sum(P.mul(out, upstream)).backward();
    return out;
  });
  const read = async (t: Tensor | null): Promise<number[]> => Array.from(await (t as Tensor).data());
  const run: ConvRun = {
    backend: backend.name,
    description: backend.description,
    location: await backend.location(y.dataId),
    y: await read(y),
    dx: await read(x.grad),
    dw: await read(w.grad),
    db: await read(b.grad),
    sessionsCreated: backend.stats().sessionsCreated,
  };
  for (const t of [x, w, b, upstream, y]) t.dispose();
  return run;
};

/**
 * QuantIdentity (8-bit, statistics scaling, returnQuantTensor) → QuantConv2d (4-bit weights, Int32
 * bias on the accumulator's scale, 8-bit output quantizer, returnQuantTensor) in training mode, then
 * the gradients of sum(output · upstream). Nothing here reads synchronously, which a browser
 * cannot: core knows the zero points are 0 (they were made from a number) and the bias's grid.
 */
(globalThis as PageGlobals).parvusQuantConvCheck = async (backendName: string): Promise<QuantConvRun> => {
  await P.setBackend(backendName);
  const backend = P.engine().backend as OnnxruntimeBackend;
  const input = new P.QuantIdentity({ returnQuantTensor: true });
  const conv = new P.QuantConv2d({
    inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, bias: true,
    weightBitWidth: 4, biasQuant: P.Int32Bias, outputQuant: P.Int8ActPerTensorFloat, returnQuantTensor: true,
  });
  P.noGrad(() => {
    conv.weight.assign(P.tensor(values(4 * 3 * 3 * 3, 5).map((v) => Math.fround(v * 0.5)), [4, 3, 3, 3]));
    (conv.bias as Tensor).assign(P.tensor(values(4, 6).map((v) => Math.fround(v * 0.1)), [4]));
  });
  input.train();
  conv.train();
  const x = P.tensor(values(2 * 3 * 8 * 8, 7).map((v) => Math.fround(v * 3)), [2, 3, 8, 8]).requiresGrad_();
  const upstream = P.tensor(values(2 * 4 * 8 * 8, 8), [2, 4, 8, 8]);
  const out = P.tidy(() => {
    const y = conv.forward(input.forward(x));
    if (!(y instanceof P.IntQuantTensor)) throw new Error('QuantConv2d with returnQuantTensor returned a plain tensor');
    P.sum(P.mul(y.value, upstream)).backward();
    return y;
  });
  const read = async (t: Tensor | null): Promise<number[]> => Array.from(await (t as Tensor).data());
  const run: QuantConvRun = {
    backend: backend.name,
    location: await backend.location(out.value.dataId),
    gradientLocation: await backend.location((x.grad as Tensor).dataId),
    isQuantTensor: out instanceof P.IntQuantTensor,
    value: await read(out.value),
    scale: await read(out.scale),
    zeroPoint: await read(out.zeroPoint),
    bitWidth: await read(out.bitWidth),
    signed: out.signed,
    dx: await read(x.grad),
    dw: await read(conv.weight.grad),
    db: await read((conv.bias as Tensor).grad),
  };
  out.dispose();
  for (const t of [x, upstream]) t.dispose();
  input.dispose();
  conv.dispose();
  return run;
};

/** QuantIdentity → QuantConv2d → QuantReLU (4-bit) → QuantLinear, crossEntropy, SGD. */
class TinyNet extends P.Module {
  readonly input = this.registerModule('input', new P.QuantIdentity({ returnQuantTensor: true }));
  readonly conv = this.registerModule('conv', new P.QuantConv2d({
    inChannels: 1, outChannels: 4, kernelSize: 3, bias: true, weightBitWidth: 4, biasQuant: P.Int32Bias, returnQuantTensor: true,
  }));
  readonly relu = this.registerModule('relu', new P.QuantReLU({ bitWidth: 4, returnQuantTensor: true }));
  readonly fc = this.registerModule('fc', new P.QuantLinear({ inFeatures: 4 * 4 * 4, outFeatures: 3, bias: true, weightBitWidth: 4 }));

  forward(x: Tensor): Tensor {
    return this.fc.forward(this.features(x).flatten(1)) as Tensor;
  }

  features(x: Tensor): P.IntQuantTensor {
    return this.relu.forward(this.conv.forward(this.input.forward(x))) as P.IntQuantTensor;
  }
}

(globalThis as PageGlobals).parvusTrainingCheck = async (backendName: string): Promise<TrainingRun> => {
  await P.setBackend(backendName);
  P.manualSeed(0);
  const net = new TinyNet();
  net.train();
  const optimizer = new P.SGD(net.parameters(), { lr: 0.1 });
  const x = P.tensor(values(6 * 36, 9).map((v) => Math.fround(v * 2)), [6, 1, 6, 6]);
  const labels = P.tensor(new Int32Array([0, 1, 2, 0, 1, 2]), [6]);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    optimizer.zeroGrad();
    const loss = P.tidy(() => {
      const l = P.crossEntropy(net.forward(x), labels);
      l.backward();
      return l;
    });
    losses.push((await loss.data())[0] as number);
    loss.dispose();
    optimizer.step();
  }
  net.eval();
  const features = P.tidy(() => net.features(x));
  const valid = await features.isValidAsync();
  const ints = P.tidy(() => features.int());
  const codes = Array.from(await ints.data());
  ints.dispose();
  features.dispose();
  // A class index out of range: the check runs on the device and the next read raises it.
  const badLabels = P.tensor(new Int32Array([0, 1, 2, 0, 1, 7]), [6]);
  const badLoss = P.tidy(() => P.crossEntropy(net.forward(x), badLabels));
  let badLabelError = '';
  try {
    await badLoss.data();
  } catch (error) {
    badLabelError = error instanceof Error ? error.message : String(error);
  }
  for (const t of [x, labels, badLabels, badLoss]) t.dispose();
  net.dispose();
  return { backend: P.engine().backend.name, losses, codes, valid, badLabelError };
};
