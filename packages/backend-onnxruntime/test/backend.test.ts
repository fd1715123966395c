/**
 * What the conformance suite does not check: the session cache (a training loop creates no session
 * after its first step), asynchronous storage (kernels return at once, failures surface at read
 * time naming the kernel that failed), synchronous reads through the worker thread (and their
 * absence in-thread on wasm, as in browsers), onnxruntime-node in-thread, and the registered backends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@parvus/core';
import * as P from '@parvus/core';
import type { OnnxruntimeBackend } from '../src/index.js';
import { BACKEND_NAMES, RuntimeUnavailableError, createOnnxruntimeBackend, nodeRuntimeResolvable, onnxruntimeKernelConfigs } from '../src/index.js';

let backend: OnnxruntimeBackend;

beforeAll(async () => {
  await P.setBackend('onnxruntime');
  backend = P.engine().backend as OnnxruntimeBackend;
});

function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return Math.fround(((s / 2 ** 32) * 2 - 1) * scale);
  });
}

describe('session cache', () => {
  it('a QAT training loop creates no session after its first step', async () => {
    // conv → fake-quantize → relu → max-pool → linear → cross-entropy, SGD: the kernels of a
    // quantized LeNet step, forward and backward.
    const x = P.tensor(values(16 * 64, 1), [16, 1, 8, 8]);
    const targets = P.tensor(Float32Array.from({ length: 32 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)), [16, 2]);
    const params = [
      P.parameter(P.tensor(values(36, 2, 0.3), [4, 1, 3, 3])),
      P.parameter(P.tensor(new Float32Array(4), [4])),
      P.parameter(P.tensor(values(128, 3, 0.1), [2, 64])),
      P.parameter(P.tensor(new Float32Array(2), [2])),
      P.parameter(P.tensor([0.05], [])),
    ];
    const [convWeight, convBias, linearWeight, linearBias, actScale] = params as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const created: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      const loss = P.tidy(() => {
        const weight = P.fakeQuantize(convWeight, 0.05, 0, -8, 7);
        const features = P.conv2d(x, weight, convBias, { padding: 1 });
        const quantized = P.fakeQuantize(P.relu(features), actScale, 0, 0, 15);
        const pooled = P.maxPool2d(quantized, 2);
        const l = P.crossEntropy(P.linear(P.flatten(pooled, 1), linearWeight, linearBias), targets);
        l.backward();
        return l;
      });
      P.tidy(() => {
        for (const p of params) p.assign(P.sub(p, P.mul(p.grad as Tensor, 0.1)));
      });
      for (const p of params) {
        p.grad?.dispose();
        p.grad = null;
      }
      losses.push((await loss.data())[0] as number);
      loss.dispose();
      created.push(backend.stats().sessionsCreated);
    }
    for (const t of [x, targets, ...params]) t.dispose();
    expect(created[0], 'the first step creates the sessions').toBeGreaterThan(10);
    expect(created.slice(1), 'later steps create none').toEqual(new Array<number>(5).fill(created[0] as number));
    expect(losses[5]).toBeLessThan(losses[0] as number);
  });

  it('reuses one session for every size of an elementwise kernel, and keys on what changes the graph', async () => {
    // Neg on rank 1 first, so that only Clip can create sessions below.
    const warm = P.tensor([1, 2]);
    const negated = P.neg(warm);
    await negated.data();
    warm.dispose();
    negated.dispose();
    /** Sessions created by clamp(neg(x), lo, hi) for x of each size; checks every value. */
    const newSessions = async (lo: number, hi: number): Promise<number[]> => {
      const created: number[] = [];
      for (const n of [3, 30, 300]) {
        const x = values(n, n + lo);
        const before = backend.stats().sessionsCreated;
        const t = P.tensor(x, [n]);
        const y = P.tidy(() => P.clamp(P.neg(t), lo, hi));
        const got = await y.data();
        created.push(backend.stats().sessionsCreated - before);
        // The bounds are float32 values, so clamping in float64 gives the float32 result.
        expect(got).toEqual(Float32Array.from(x, (v) => Math.min(Math.max(-v, lo), hi)));
        t.dispose();
        y.dispose();
      }
      return created;
    };
    // Bounds no other test uses: each distinct pair is one new Clip session, at its first size only.
    expect(await newSessions(-0.375, 0.625), 'first bound pair').toEqual([1, 0, 0]);
    expect(await newSessions(-0.125, 0.25), 'second bound pair').toEqual([1, 0, 0]);
    expect(await newSessions(-0.375, 0.625), 'the first pair again').toEqual([0, 0, 0]);
  });
});

describe('kernels', () => {
  it('Clip with one bound leaves the infinities on the other side (an omitted ONNX bound is ±FLT_MAX)', async () => {
    const x = P.tensor([-Infinity, -1, 0, 2, Infinity, NaN]);
    const below = P.clamp(x, null, 1);
    const above = P.clamp(x, 0, null);
    expect(await below.data()).toEqual(Float32Array.from([-Infinity, -1, 0, 1, 1, NaN]));
    expect(await above.data()).toEqual(Float32Array.from([0, 0, 0, 2, Infinity, NaN]));
    for (const t of [x, below, above]) t.dispose();
  });
});

describe('asynchronous storage', () => {
  it('kernels return at once; reads wait for them', async () => {
    const x = P.tensor(values(1 << 16, 4), [256, 256]);
    const runsBefore = backend.stats().runs;
    const y = P.tidy(() => P.relu(P.matmul(x, x)));
    expect(y.shape).toEqual([256, 256]);
    const data = await y.data();
    expect(data.length).toBe(1 << 16);
    expect(backend.stats().runs).toBe(runsBefore + 2);
    x.dispose();
    y.dispose();
  });

  it('a failing kernel surfaces when its output is read, naming the kernel, and so do kernels fed by it', async () => {
    const x = P.tensor([1, 2, 3]);
    const [bad] = backend.runGraph({
      kernelName: 'Broken',
      key: 'no-such-op',
      inputs: [x],
      outputs: [{ shape: [3], dtype: 'float32' }],
      build: (graph, [input]) => [graph.op('NoSuchOnnxOperator', [input as string])],
    });
    const broken = P.engine().makeTensorFromDataId(bad!.dataId, [3], 'float32');
    const downstream = P.tidy(() => P.add(P.neg(broken), 1));
    await expect(broken.data()).rejects.toThrow(/Kernel 'Broken' failed on backend 'onnxruntime'/);
    const error = await downstream.data().then(() => null, (e: unknown) => e);
    expect(P.KernelError.isInstance(error), 'a KernelError').toBe(true);
    expect((error as P.KernelError).kernelName, 'the first kernel that failed').toBe('Broken');
    expect(String((error as Error).message)).toMatch(/Kernel 'Add' failed .* because kernel 'Broken' failed/);
    for (const t of [x, broken, downstream]) t.dispose();
    // The queue goes on after a failure.
    const ok = P.tensor([1, -1]);
    const y = P.tidy(() => P.abs(ok));
    expect(Array.from(await y.data())).toEqual([1, 1]);
    ok.dispose();
    y.dispose();
  });

  it('dataSync blocks until the worker thread has computed the values', () => {
    expect(backend.description).toMatch(/in a worker thread/);
    const x = P.tensor(values(1 << 16, 6), [256, 256]);
    const y = P.tidy(() => P.sum(P.relu(P.matmul(x, x))));
    const expected = P.tidy(() => P.sum(P.relu(P.matmul(x, x))).item());
    expect(y.dataSync()[0]).toBe(expected);
    expect(y.item()).toBe(expected);
    // Many small synchronous reads in a row (core's data-dependent checks do this).
    const t = P.tensor([1, 2, 3]);
    for (let i = 0; i < 50; i++) expect(P.tidy(() => P.max(P.add(t, i)).item())).toBe(3 + i);
    // Large values grow the shared read buffer.
    const big = P.tensor(values(1 << 20, 7), [1 << 20]);
    const read = P.tidy(() => P.neg(big)).dataSync();
    expect(read.length).toBe(1 << 20);
    expect(read[12345]).toBe(-(big.dataSync()[12345] as number));
    for (const tensor of [x, y, t, big]) tensor.dispose();
  });

  it('a synchronous read of a failed kernel throws its KernelError, and the backend goes on', () => {
    const x = P.tensor([1, 2, 3]);
    const [bad] = backend.runGraph({
      kernelName: 'BrokenSync',
      key: 'no-such-op',
      inputs: [x],
      outputs: [{ shape: [3], dtype: 'float32' }],
      build: (graph, [input]) => [graph.op('NoSuchOnnxOperator', [input as string])],
    });
    const broken = P.engine().makeTensorFromDataId(bad!.dataId, [3], 'float32');
    const downstream = P.tidy(() => P.kthValue(P.exp(broken), 2, 0).values);
    let error: unknown = null;
    try {
      downstream.dataSync();
    } catch (e) {
      error = e;
    }
    expect(P.KernelError.isInstance(error), 'a KernelError').toBe(true);
    expect((error as P.KernelError).kernelName).toBe('BrokenSync');
    expect((error as Error).message).toMatch(/Kernel 'KthValue' failed on backend 'onnxruntime': its input 0 was not computed, because kernel 'BrokenSync' failed/);
    expect(() => broken.dataSync()).toThrow(/Kernel 'BrokenSync' failed on backend 'onnxruntime': onnxruntime could not create its session/);
    expect(P.tidy(() => P.abs(x).dataSync())).toEqual(Float32Array.from([1, 2, 3]));
    for (const t of [x, broken, downstream]) t.dispose();
  });

  it('frees storage at once in its accounting, and its buffers after queued runs', async () => {
    const before = backend.memory();
    const x = P.tensor(values(1000, 5), [1000]);
    const y = P.tidy(() => P.exp(P.mul(x, 2)));
    expect(backend.memory().numDataIds - before.numDataIds).toBe(2);
    x.dispose();
    y.dispose();
    expect(backend.memory()).toEqual(before);
    await backend.flush();
  });
});

describe('the worker thread', () => {
  it('answers the reads submitted before dispose, then stops; the backend refuses further work', async () => {
    const own = await createOnnxruntimeBackend('wasm', { name: 'onnxruntime-disposed' });
    const x = own.write(Float32Array.from([3, -4]), [2], 'float32');
    const y = onnxruntimeKernelConfigs.find((c) => c.kernelName === 'Abs')!.kernelFunc({
      inputs: [{ dataId: x, shape: [2], dtype: 'float32' }],
      attrs: {} as never,
      backend: own,
    }) as P.TensorInfo;
    expect(Array.from(own.readSync!(y.dataId))).toEqual([3, 4]);
    const pending = own.read(y.dataId);
    own.dispose();
    expect(Array.from(await pending)).toEqual([3, 4]);
    expect(() => own.write(Float32Array.from([1]), [1], 'float32')).toThrow(/has been disposed/);
    expect(() => own.readSync!(y.dataId)).toThrow(/has no data for this tensor/);
  });
});

describe('in this thread', () => {
  it('wasm has no synchronous read there, as in a browser: reads are asynchronous', async () => {
    const inThread = await createOnnxruntimeBackend('wasm', { worker: false, name: 'onnxruntime-in-thread' });
    try {
      expect(inThread.readSync).toBeUndefined();
      expect(inThread.description).not.toMatch(/worker/);
      const x = inThread.write(Float32Array.from([1, -2]), [2], 'float32');
      const y = onnxruntimeKernelConfigs.find((c) => c.kernelName === 'Relu')!.kernelFunc({
        inputs: [{ dataId: x, shape: [2], dtype: 'float32' }],
        attrs: {} as never,
        backend: inThread,
      }) as P.TensorInfo;
      expect(Array.from(await inThread.read(y.dataId))).toEqual([1, 0]);
    } finally {
      inThread.dispose();
    }
  });

  it.skipIf(!nodeRuntimeResolvable())('onnxruntime-node reads synchronously without a worker (its binding runs synchronously)', async () => {
    const native = await createOnnxruntimeBackend('node', { worker: false, name: 'onnxruntime-node-in-thread' });
    try {
      expect(native.readSync).toBeTypeOf('function');
      const x = native.write(Float32Array.from([1, -2, 5]), [3], 'float32');
      const [v, i] = onnxruntimeKernelConfigs.find((c) => c.kernelName === 'KthValue')!.kernelFunc({
        inputs: [{ dataId: x, shape: [3], dtype: 'float32' }],
        attrs: { k: 2, axis: 0, keepDims: false } as never,
        backend: native,
      }) as P.TensorInfo[] as [P.TensorInfo, P.TensorInfo];
      expect(Array.from(native.readSync!(v.dataId))).toEqual([1]);
      expect(Array.from(native.readSync!(i.dataId))).toEqual([0]);
    } finally {
      native.dispose();
    }
  });
});

describe('registration', () => {
  it('registers every kernel of the contract, FakeQuantize and FakeQuantizeGrad included', () => {
    const names = new Set(onnxruntimeKernelConfigs.map((c) => c.kernelName));
    expect(P.ALL_KERNELS.filter((k) => !names.has(k))).toEqual([]);
    for (const name of Object.values(BACKEND_NAMES)) {
      expect(P.getKernelsForBackend(name).length).toBe(onnxruntimeKernelConfigs.length);
    }
  });

  it('registers the wasm and WebGPU backends, and onnxruntime-node only where it is installed', () => {
    const registered = P.engine().registeredBackends();
    expect(registered).toContain('onnxruntime');
    expect(registered).toContain('onnxruntime-webgpu');
    expect(registered.includes('onnxruntime-node')).toBe(nodeRuntimeResolvable());
  });

  it.skipIf(nodeRuntimeResolvable())('an unavailable runtime fails with what is available instead', async () => {
    const error = await createOnnxruntimeBackend('node').then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect(String((error as Error).message)).toMatch(/onnxruntime-node could not be imported/);
    expect(String((error as Error).message)).toMatch(/'onnxruntime', 'onnxruntime-webgpu'/);
  });
});
