/** Registration, initialisation, errors and switching between the Parvus tfjs backends. */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { add, backendInstance, engine, getBackend, memory, mul, setBackend, setBackendSync, tensor, tidy } from '@parvus/core';
import type { TfjsBackend } from '../src/index.js';
import { TFJS_BACKEND_NAMES, availableTfjsBackends, createTfjsBackend, wasmKernelsModuleBytes } from '../src/index.js';
import { WasmHeap } from '../src/impl/wasm-heap.js';

describe('tfjs backends', () => {
  // First: tfjs-cpu initialises synchronously, before anything else has touched tfjs.
  it("'tfjs-cpu' initialises synchronously", () => {
    setBackendSync('tfjs-cpu');
    expect(getBackend()).toBe('tfjs-cpu');
    expect(tf.getBackend()).toBe('cpu');
    const y = add(tensor([1, 2, 3]), 1);
    expect(Array.from(y.dataSync())).toEqual([2, 3, 4]);
    // tfjs-cpu's pow is Math.pow, so the Pow kernel takes its C-pow composite there.
    expect((backendInstance() as TfjsBackend).semantics.powIsCPow).toBe(false);
  });

  it('registers every name', () => {
    expect(engine().registeredBackends()).toEqual(expect.arrayContaining([...TFJS_BACKEND_NAMES]));
  });

  it("'tfjs' picks tfjs-wasm in Node when tfjs-node is not installed", async () => {
    await setBackend('tfjs');
    const backend = backendInstance() as TfjsBackend;
    expect(backend.name).toBe('tfjs');
    expect(backend.tfjsBackendName).toBe('wasm');
    expect(backend.floatPrecision()).toBe(32);
    // The probed semantics of tfjs-wasm 4.22: exact round and relu, clip that loses NaN.
    expect(backend.semantics.roundIsTorchRound).toBe(true);
    expect(backend.semantics.clipIsTorchClamp).toBe(false);
    expect(backend.semantics.powIsCPow).toBe(true);
  });

  it("tfjs-wasm's heap is reachable, so the fast paths the conformance suite runs on it are the SIMD ones", async () => {
    // Every heap path falls back to tfjs ops when WasmHeap.of is null, with the same results: without
    // this check a tfjs-wasm upgrade that hid the heap would leave the suite green on the fallbacks.
    await setBackend('tfjs-wasm');
    const heap = WasmHeap.of(backendInstance() as TfjsBackend);
    expect(heap).not.toBeNull();
    expect(typeof heap!.kernels.fakeQuantize).toBe('function');
    expect(typeof heap!.kernels.compareGtFull).toBe('function');
  });

  it('an unavailable tfjs backend names the missing package and what is available', async () => {
    const error = await setBackend('tfjs-node').then(() => null, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain('@tensorflow/tfjs-node');
    expect(error!.message).toContain("'tfjs-wasm'");
    expect(error!.message).toContain("'tfjs-cpu'");
    expect(availableTfjsBackends()).toEqual(expect.arrayContaining(['tfjs-wasm', 'tfjs-cpu']));
    // tfjs is left working on what it had.
    await setBackend('tfjs-wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('an unknown name lists the known ones', () => {
    expect(() => createTfjsBackend('tfjs-tpu')).toThrow(/'tfjs-wasm'/);
  });

  it('tensors follow when switching between tfjs-wasm and tfjs-cpu', async () => {
    await setBackend('tfjs-wasm');
    const a = tensor([1, 2, 3]);
    await setBackend('tfjs-cpu');
    const b = mul(a, 2);
    expect(tf.getBackend()).toBe('cpu');
    await setBackend('tfjs-wasm');
    const c = add(b, a);
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(await c.data())).toEqual([3, 6, 9]);
    for (const t of [a, b, c]) t.dispose();
  });

  it('storage accounting matches tfjs', async () => {
    await setBackend('tfjs-wasm');
    const backend = backendInstance();
    const tfBefore = tf.memory().numTensors;
    const before = backend.memory();
    const kept = tidy(() => add(mul(tensor(new Float32Array(1000)), 2), 1));
    expect(backend.memory().numDataIds - before.numDataIds).toBe(1);
    expect(backend.memory().numBytes - before.numBytes).toBe(4000);
    expect(tf.memory().numTensors - tfBefore).toBe(1);
    kept.dispose();
    expect(backend.memory()).toEqual(before);
    expect(tf.memory().numTensors).toBe(tfBefore);
    expect(memory().backend).toEqual(before);
  });

  it('the SIMD kernel module is valid WebAssembly, for shared memory or not', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(wasmKernelsModuleBytes(false))).toBe(true);
    expect(wasm.validate(wasmKernelsModuleBytes(true))).toBe(true);
  });
});
