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
export interface PageGlobals {
  parvusConvCheck?: (backendName: string) => Promise<ConvRun>;
  parvusQuantConvCheck?: (backendName: string) => Promise<QuantConvRun>;
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
 * QuantIdentity (8-bit, statistics scaling) → QuantConv2d (4-bit weights, 8-bit output quantizer,
 * returnQuantTensor) in training mode, then the gradients of sum(output · upstream). The
 * QuantIdentity hands the conv a float tensor: with a QuantTensor input core checks the operands'
 * zero points with a synchronous read (forwardQuantWBIOL's anyNonZero), which a browser cannot do.
 */
(globalThis as PageGlobals).parvusQuantConvCheck = async (backendName: string): Promise<QuantConvRun> => {
  await P.setBackend(backendName);
  const backend = P.engine().backend as OnnxruntimeBackend;
  const input = new P.QuantIdentity({ returnQuantTensor: false });
  const conv = new P.QuantConv2d({
    inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, bias: true,
    weightBitWidth: 4, outputQuant: P.Int8ActPerTensorFloat, returnQuantTensor: true,
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
    const y = conv.forward(input.forward(x) as Tensor);
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
