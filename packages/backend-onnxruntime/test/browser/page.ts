/**
 * The page of test/browser.test.ts, bundled with vite: conv2d forward and backward on
 * 'onnxruntime-webgpu' and, for comparison, on 'onnxruntime' (wasm), in the browser.
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

/** What the page exposes to the test (on globalThis: this package compiles without the DOM library). */
export interface PageGlobals {
  parvusConvCheck?: (backendName: string) => Promise<ConvRun>;
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
