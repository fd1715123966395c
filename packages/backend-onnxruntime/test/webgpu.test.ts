/**
 * 'onnxruntime-webgpu' in Node (Dawn from the `webgpu` package): every kernel of the contract on
 * one or two cases, against the same computation on 'onnxruntime' (wasm), which the conformance
 * suite checks exactly. The subset, and why it is not the whole suite:
 *
 * - GPU arithmetic is not IEEE-exact (WGSL allows 2.5 ulp for division, more for exp/log/pow), so
 *   float results compare with a tolerance (1e-4 relative to the largest element), and fake-quantized
 *   values within one quantization step (a value at a rounding tie may land on either code).
 * - WGSL's max/select do not propagate NaN or keep −0, so inputs hold neither.
 * - Integer, bool, data-movement and selection results compare exactly.
 * - A software GPU (SwiftShader) compiles a pipeline per new kernel signature, so the cases are small.
 *
 * The Brevitas quantizer fixtures run on WebGPU in webgpu-fixtures.test.ts. Skipped, with the
 * reason, where no WebGPU adapter is found (see README: CI needs Chromium's SwiftShader Vulkan driver).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DType, Tensor, TypedArray } from '@parvus/core';
import * as P from '@parvus/core';
import type { OnnxruntimeBackend } from '../src/index.js';
import '../src/index.js';
import { webgpuUnavailable } from './webgpu-probe.js';

type Comparison = 'exact' | 'close' | { quantized: number };

interface Input {
  shape: number[];
  values: number[];
  dtype: DType;
}

interface Case {
  id: string;
  inputs: Input[];
  fn: (...ts: Tensor[]) => Tensor | Tensor[];
  compare: Comparison;
}

let seed = 12345;
function uniform(n: number, lo = -2, hi = 2): number[] {
  return Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return Math.fround(lo + ((hi - lo) * seed) / 2 ** 32);
  });
}
function ints(n: number, lo: number, hi: number): number[] {
  return uniform(n, lo, hi).map(Math.floor);
}
const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);
const f32 = (shape: number[], values?: number[], lo?: number, hi?: number): Input => ({ shape, values: values ?? uniform(size(shape), lo, hi), dtype: 'float32' });
const i32 = (shape: number[], values?: number[]): Input => ({ shape, values: values ?? ints(size(shape), -50, 50), dtype: 'int32' });
const bool = (shape: number[]): Input => ({ shape, values: ints(size(shape), 0, 2), dtype: 'bool' });

const kernel = (name: string, attrs: object = {}) => (...ts: Tensor[]): Tensor => P.engine().runKernel(name, ts, attrs);
const kernelMulti = (name: string, attrs: object) => (...ts: Tensor[]): Tensor[] => P.engine().runKernelMulti(name, ts, attrs);
const conv = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 };
const convStrided = { strides: [2, 2], pads: [1, 0, 1, 0], dilations: [1, 1], groups: 2 };
const maxPool = { kernelSize: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: false, dilations: [1, 1] };
const maxPoolCeil = { kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, dilations: [1, 1] };
const avgPool = { kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: false, divisorOverride: null };

const UNARY: Array<[string, Comparison, number, number]> = [
  ['Neg', 'exact', -4, 4], ['Abs', 'exact', -4, 4], ['Sign', 'exact', -4, 4], ['Exp', 'close', -5, 5],
  ['Log', 'close', 0.05, 8], ['Log2', 'close', 0.05, 8], ['Sqrt', 'close', 0, 8], ['Sigmoid', 'close', -6, 6],
  ['Tanh', 'close', -4, 4], ['Relu', 'exact', -4, 4], ['Floor', 'exact', -4, 4], ['Ceil', 'exact', -4, 4],
  ['Round', 'exact', -4, 4], ['Trunc', 'exact', -4, 4],
];
const BINARY: Array<[string, Comparison]> = [
  ['Add', 'close'], ['Sub', 'close'], ['Mul', 'close'], ['Div', 'close'], ['Pow', 'close'], ['Maximum', 'exact'], ['Minimum', 'exact'],
  ['Equal', 'exact'], ['NotEqual', 'exact'], ['Less', 'exact'], ['LessEqual', 'exact'], ['Greater', 'exact'], ['GreaterEqual', 'exact'],
];
const COMPARISONS = ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual'];

const CASES: Case[] = [
  ...UNARY.map(([name, compare, lo, hi]): Case => ({ id: `${name}/float32`, inputs: [f32([3, 17], undefined, lo, hi)], fn: kernel(name), compare })),
  { id: 'Neg/int32', inputs: [i32([10])], fn: kernel('Neg'), compare: 'exact' },
  { id: 'Abs/int32', inputs: [i32([10])], fn: kernel('Abs'), compare: 'exact' },
  ...BINARY.map(([name, compare]): Case => {
    const comparison = COMPARISONS.includes(name);
    const a = comparison ? f32([4, 1, 5], ints(20, -2, 3)) : f32([4, 1, 5], undefined, name === 'Pow' ? 0.5 : -2, 2);
    const b = comparison ? f32([3, 1], ints(3, -2, 3)) : f32([3, 1], name === 'Div' ? [0.5, -1.25, 2] : undefined);
    return { id: `${name}/broadcast`, inputs: [a, b], fn: kernel(name), compare };
  }),
  { id: 'Add/int32', inputs: [i32([2, 3]), i32([3])], fn: kernel('Add'), compare: 'exact' },
  { id: 'Mul/int32', inputs: [i32([2, 3]), i32([2, 1])], fn: kernel('Mul'), compare: 'exact' },
  { id: 'Equal/bool', inputs: [bool([2, 3]), bool([3])], fn: kernel('Equal'), compare: 'exact' },
  { id: 'Where/float32', inputs: [bool([2, 3]), f32([2, 3]), f32([3])], fn: kernel('Where'), compare: 'exact' },
  { id: 'Where/int32', inputs: [bool([4]), i32([4]), i32([1])], fn: kernel('Where'), compare: 'exact' },
  { id: 'Where/bool', inputs: [bool([4]), bool([4]), bool([4])], fn: kernel('Where'), compare: 'exact' },
  { id: 'Clip/float32', inputs: [f32([20])], fn: kernel('Clip', { min: -0.5, max: 0.75 }), compare: 'exact' },
  { id: 'Clip/int32', inputs: [i32([20])], fn: kernel('Clip', { min: -10, max: Infinity }), compare: 'exact' },
  { id: 'Cast/float32-to-int32', inputs: [f32([12], undefined, -100, 100)], fn: kernel('Cast', { dtype: 'int32' }), compare: 'exact' },
  { id: 'Cast/int32-to-float32', inputs: [i32([12])], fn: kernel('Cast', { dtype: 'float32' }), compare: 'exact' },
  { id: 'Cast/float32-to-bool', inputs: [f32([6], [0, 1, -2, 0, 0.5, 3])], fn: kernel('Cast', { dtype: 'bool' }), compare: 'exact' },
  { id: 'Sum/float32', inputs: [f32([3, 4, 5])], fn: kernel('Sum', { axes: [0, 2], keepDims: false }), compare: 'close' },
  { id: 'Sum/bool', inputs: [bool([4, 6])], fn: kernel('Sum', { axes: [1], keepDims: true }), compare: 'exact' },
  { id: 'Max/float32', inputs: [f32([3, 4, 5])], fn: kernel('Max', { axes: [1], keepDims: false }), compare: 'exact' },
  { id: 'Min/int32', inputs: [i32([3, 4])], fn: kernel('Min', { axes: [0, 1], keepDims: true }), compare: 'exact' },
  { id: 'ArgMax/float32', inputs: [f32([4, 7])], fn: kernel('ArgMax', { axis: 1, keepDims: false }), compare: 'exact' },
  { id: 'KthValue/float32', inputs: [f32([5, 9])], fn: kernelMulti('KthValue', { k: 3, axis: 1, keepDims: false }), compare: 'exact' },
  { id: 'Transpose/float32', inputs: [f32([2, 3, 4])], fn: kernel('Transpose', { perm: [2, 0, 1] }), compare: 'exact' },
  { id: 'Concat/float32', inputs: [f32([2, 3]), f32([2, 1]), f32([2, 2])], fn: kernel('Concat', { axis: 1 }), compare: 'exact' },
  { id: 'Slice/int32', inputs: [i32([4, 5])], fn: kernel('Slice', { begin: [1, 2], size: [2, 3] }), compare: 'exact' },
  { id: 'Pad/float32', inputs: [f32([2, 3])], fn: kernel('Pad', { paddings: [[1, 0], [2, 1]], constantValue: 1.5 }), compare: 'exact' },
  { id: 'MatMul/rank-2', inputs: [f32([5, 8]), f32([6, 8])], fn: kernel('MatMul', { transposeA: false, transposeB: true }), compare: 'close' },
  { id: 'MatMul/batched', inputs: [f32([2, 8, 3]), f32([1, 8, 4])], fn: kernel('MatMul', { transposeA: true, transposeB: false }), compare: 'close' },
  { id: 'Conv2D/padded', inputs: [f32([2, 3, 6, 6]), f32([4, 3, 3, 3])], fn: kernel('Conv2D', conv), compare: 'close' },
  { id: 'Conv2D/grouped-strided', inputs: [f32([1, 4, 7, 6]), f32([4, 2, 3, 2])], fn: kernel('Conv2D', convStrided), compare: 'close' },
  { id: 'Conv2DBackpropInput/padded', inputs: [f32([2, 4, 6, 6]), f32([4, 3, 3, 3])], fn: kernel('Conv2DBackpropInput', { ...conv, inputShape: [2, 3, 6, 6] }), compare: 'close' },
  { id: 'Conv2DBackpropFilter/padded', inputs: [f32([2, 3, 6, 6]), f32([2, 4, 6, 6])], fn: kernel('Conv2DBackpropFilter', { ...conv, filterShape: [4, 3, 3, 3] }), compare: 'close' },
  { id: 'Conv2DBackpropFilter/grouped-strided', inputs: [f32([1, 4, 7, 6]), f32([1, 4, 3, 3])], fn: kernel('Conv2DBackpropFilter', { ...convStrided, filterShape: [4, 2, 3, 2] }), compare: 'close' },
  { id: 'MaxPool2D/basic', inputs: [f32([2, 3, 6, 6])], fn: kernel('MaxPool2D', maxPool), compare: 'exact' },
  { id: 'MaxPool2D/ceil-mode', inputs: [f32([1, 2, 7, 7])], fn: kernel('MaxPool2D', maxPoolCeil), compare: 'exact' },
  { id: 'MaxPool2DGrad/ceil-mode', inputs: [f32([1, 2, 4, 4], ints(32, -8, 9)), f32([1, 2, 7, 7])], fn: kernel('MaxPool2DGrad', maxPoolCeil), compare: 'exact' },
  { id: 'AvgPool2D/ceil-exclude-pad', inputs: [f32([1, 2, 6, 7])], fn: kernel('AvgPool2D', avgPool), compare: 'close' },
  { id: 'AvgPool2DGrad/ceil-exclude-pad', inputs: [f32([1, 2, 4, 4])], fn: kernel('AvgPool2DGrad', { ...avgPool, inputShape: [1, 2, 6, 7] }), compare: 'close' },
  {
    id: 'FakeQuantize/per-tensor-int8',
    inputs: [f32([4, 64], undefined, -3, 3), f32([], [Math.fround(0.02)]), f32([], [0])],
    fn: kernel('FakeQuantize', { quantMin: -128, quantMax: 127 }),
    compare: { quantized: Math.fround(0.02) },
  },
  {
    id: 'FakeQuantize/per-channel-uint8',
    inputs: [f32([2, 3, 4, 4], undefined, -2, 4), f32([1, 3, 1, 1], [0.01, 0.05, 0.003].map(Math.fround)), f32([1, 3, 1, 1], [0, 37, 128])],
    fn: kernel('FakeQuantize', { quantMin: 0, quantMax: 255 }),
    compare: { quantized: 0.05 },
  },
  {
    id: 'FakeQuantizeGrad/per-channel',
    inputs: [f32([2, 3, 4]), f32([2, 3, 4], undefined, -3, 3), f32([1, 3, 1], [0.02, 0.05, 0.01].map(Math.fround)), f32([], [0])],
    fn: kernelMulti('FakeQuantizeGrad', { quantMin: -128, quantMax: 127, straightThroughClamp: false }),
    compare: 'close',
  },
];

async function runOn(backendName: string, c: Case): Promise<Array<{ shape: readonly number[]; dtype: DType; values: TypedArray }>> {
  await P.setBackend(backendName);
  const inputs = c.inputs.map((x) => P.engine().makeTensor(
    x.dtype === 'float32' ? Float32Array.from(x.values) : x.dtype === 'int32' ? Int32Array.from(x.values) : Uint8Array.from(x.values),
    x.shape,
    x.dtype,
  ));
  try {
    const outputs = P.tidy(() => {
      const result = c.fn(...inputs);
      return Array.isArray(result) ? result : [result];
    });
    const read = [];
    for (const t of outputs) {
      read.push({ shape: t.shape, dtype: t.dtype, values: await t.data() });
      t.dispose();
    }
    return read;
  } finally {
    for (const t of inputs) t.dispose();
  }
}

function compare(c: Case, actual: Awaited<ReturnType<typeof runOn>>, expected: Awaited<ReturnType<typeof runOn>>): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((want, o) => {
    const got = actual[o] as (typeof actual)[number];
    expect(got.shape, `${c.id} output ${o} shape`).toEqual(want.shape);
    expect(got.dtype, `${c.id} output ${o} dtype`).toBe(want.dtype);
    if (c.compare === 'exact' || want.dtype !== 'float32') {
      expect(Array.from(got.values), `${c.id} output ${o}`).toEqual(Array.from(want.values));
      return;
    }
    let largest = 0;
    for (const v of want.values) largest = Math.max(largest, Math.abs(v));
    const allowed = typeof c.compare === 'object' ? c.compare.quantized * 1.0001 : 1e-4 * Math.max(largest, 1e-6);
    const bad: string[] = [];
    want.values.forEach((v, i) => {
      const diff = Math.abs((got.values[i] as number) - v);
      if (!(diff <= allowed) && bad.length < 5) bad.push(`[${i}] got ${got.values[i]}, expected ${v}`);
    });
    expect(bad, `${c.id} output ${o} within ${allowed.toExponential(2)}`).toEqual([]);
  });
}

const unavailable = await webgpuUnavailable();

describe.skipIf(unavailable !== null)('onnxruntime-webgpu in Node: every kernel against wasm', () => {
  afterAll(async () => {
    await P.setBackend('onnxruntime');
  });

  it('initialises on a WebGPU adapter', async () => {
    await P.setBackend('onnxruntime-webgpu');
    const backend = P.engine().backend as OnnxruntimeBackend;
    expect(backend.name).toBe('onnxruntime-webgpu');
    expect(backend.flavour).toBe('webgpu');
  });

  it('covers every kernel of the contract', () => {
    const covered = new Set(CASES.map((c) => c.id.split('/')[0]));
    expect(P.ALL_KERNELS.filter((k) => !covered.has(k))).toEqual([]);
  });

  for (const c of CASES) {
    it(c.id, async () => {
      const expected = await runOn('onnxruntime', c);
      const actual = await runOn('onnxruntime-webgpu', c);
      compare(c, actual, expected);
    });
  }

  it('keeps kernel outputs in GPU buffers and frees them', async () => {
    await P.setBackend('onnxruntime-webgpu');
    const backend = P.engine().backend as OnnxruntimeBackend;
    const before = backend.memory().numDataIds;
    const x = P.tensor(uniform(64), [8, 8]);
    const y = P.tidy(() => P.relu(P.matmul(x, x)));
    expect(await backend.location(y.dataId)).toBe('gpu-buffer');
    x.dispose();
    y.dispose();
    await backend.flush();
    expect(backend.memory().numDataIds).toBe(before);
  });

  it('trains: the loss of conv → relu → pool → linear falls, with no session created after step 1', async () => {
    const losses: Record<string, number[]> = {};
    for (const name of ['onnxruntime', 'onnxruntime-webgpu']) {
      await P.setBackend(name);
      seed = 777;
      const backend = P.engine().backend as OnnxruntimeBackend;
      const x = P.tensor(uniform(8 * 64), [8, 1, 8, 8]);
      const targets = P.tensor(Array.from({ length: 16 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)), [8, 2]);
      const params = [
        P.parameter(P.tensor(uniform(36, -0.3, 0.3), [4, 1, 3, 3])),
        P.parameter(P.tensor(uniform(2 * 64, -0.1, 0.1), [2, 64])),
      ];
      const [w, v] = params as [Tensor, Tensor];
      const trace: number[] = [];
      let sessionsAfterFirst = 0;
      for (let step = 0; step < 4; step++) {
        const loss = P.tidy(() => {
          const features = P.maxPool2d(P.relu(P.conv2d(x, w, null, { padding: 1 })), 2);
          const l = P.crossEntropy(P.linear(P.flatten(features, 1), v), targets);
          l.backward();
          return l;
        });
        P.tidy(() => {
          for (const p of params) p.assign(P.sub(p, P.mul(p.grad as Tensor, 0.5)));
        });
        for (const p of params) {
          p.grad?.dispose();
          p.grad = null;
        }
        trace.push((await loss.data())[0] as number);
        loss.dispose();
        if (step === 0) sessionsAfterFirst = backend.stats().sessionsCreated;
      }
      expect(backend.stats().sessionsCreated, `${name}: sessions created after the first step`).toBe(sessionsAfterFirst);
      for (const t of [x, targets, ...params]) t.dispose();
      losses[name] = trace;
    }
    const [cpu, gpu] = [losses.onnxruntime as number[], losses['onnxruntime-webgpu'] as number[]];
    expect(gpu[3]).toBeLessThan(gpu[0] as number);
    gpu.forEach((l, i) => expect(Math.abs(l - (cpu[i] as number))).toBeLessThan(1e-3 * Math.max(1, Math.abs(cpu[i] as number))));
  });
});

if (unavailable !== null) {
  describe('onnxruntime-webgpu in Node', () => {
    it.skip(`skipped: no WebGPU adapter here (${unavailable})`, () => undefined);
  });
}
