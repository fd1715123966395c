/**
 * Direct access to tfjs-wasm's heap: the address of a tensor's data, fresh outputs, and the SIMD
 * kernels of wasm-kernels.ts bound to the same memory, so they work on tensors in place.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernels, WasmMemory } from './wasm-kernels.js';
import { wasmKernelsFor } from './wasm-kernels.js';
import type { TfjsBackend } from '../tfjs-backend.js';

/** The parts of tfjs-backend-wasm's BackendWasm used here (4.22; checked at run time). */
interface BackendWasmInternals {
  wasm?: {
    HEAPU8?: Uint8Array;
    asm?: { memory?: WasmMemory };
    wasmExports?: { memory?: WasmMemory };
    wasmMemory?: WasmMemory;
  };
  dataIdMap?: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export class WasmHeap {
  private constructor(
    private readonly internals: Required<BackendWasmInternals>,
    readonly kernels: WasmKernels,
  ) {}

  /** The byte address of a tensor's data. */
  address(t: tf.Tensor): number {
    const data = this.internals.dataIdMap.get(t.dataId as object);
    if (!data) throw new Error('tfjs-wasm has no data for this tensor');
    return data.memoryOffset;
  }

  /** A float32 view of a tensor's data (valid until the heap next grows: make outputs first). */
  view(t: tf.Tensor): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, this.address(t), t.size);
  }

  /** A view of a tensor's data in its dtype's array (float32, int32 or bool as bytes). */
  typedView(t: tf.Tensor): Float32Array | Int32Array | Uint8Array {
    const buffer = this.kernels.memory.buffer;
    if (t.dtype === 'int32') return new Int32Array(buffer, this.address(t), t.size);
    if (t.dtype === 'bool') return new Uint8Array(buffer, this.address(t), t.size);
    return new Float32Array(buffer, this.address(t), t.size);
  }

  /** A new, uninitialised tensor on the heap (tracked by the enclosing tf.tidy). */
  output(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.engine().makeTensorFromTensorInfo(this.internals.makeOutput([...shape], dtype));
  }

  private static readonly cache = new WeakMap<object, WasmHeap | null>();

  /** The heap of a Parvus backend on tfjs-wasm, or null (other tfjs backends, no SIMD, unknown internals). */
  static of(backend: TfjsBackend): WasmHeap | null {
    if (backend.tfjsBackendName !== 'wasm' || !backend.hostKernels) return null;
    const tfjsBackend = backend.tfjsBackend() as unknown as BackendWasmInternals;
    let heap = WasmHeap.cache.get(tfjsBackend);
    if (heap === undefined) {
      heap = null;
      const wasm = tfjsBackend.wasm;
      const memory = wasm?.asm?.memory ?? wasm?.wasmExports?.memory ?? wasm?.wasmMemory;
      if (memory && memory.buffer === wasm?.HEAPU8?.buffer && tfjsBackend.dataIdMap && tfjsBackend.makeOutput) {
        const kernels = wasmKernelsFor(memory);
        if (kernels) heap = new WasmHeap(tfjsBackend as Required<BackendWasmInternals>, kernels);
      }
      WasmHeap.cache.set(tfjsBackend, heap);
    }
    return heap;
  }
}
