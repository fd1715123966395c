import * as tf from '@tensorflow/tfjs-core';
import type { Backend, BackendMemoryInfo, DataId, DType, TensorInfo, TypedArray } from '@parvus/core';
import { KERNEL_SPECIFICATION_VERSION, bytesPerElement, sizeOf } from '@parvus/core';
import { activateTfjsBackend } from './tfjs-runtime.js';
import type { TfjsSemantics } from './impl/semantics.js';
import { CONSERVATIVE } from './impl/semantics.js';

/** A storage handle: it owns exactly one tf.Tensor, disposed with it. Its identity is the key. */
export class TfjsDataId {
  constructor(readonly tensor: tf.Tensor) {}
}

/** tfjs backends whose reads return a fresh array (cpu, webgl and tfjs-node may hand out their own or cached storage). */
const FRESH_READS = new Set(['wasm']);

const DTYPES: ReadonlySet<string> = new Set<DType>(['float32', 'int32', 'bool']);

export interface TfjsBackendOptions {
  /** What the tfjs backend's native ops do at the edges (probed by the factories; default: assume nothing). */
  semantics?: TfjsSemantics;
  /**
   * How FakeQuantize runs: 'auto' picks the SIMD loop on tfjs's wasm heap, on a private heap for
   * host-side backends, or the exact tfjs-op composite elsewhere; the others force one (tests).
   */
  fakeQuantize?: 'auto' | 'wasm-heap' | 'private-heap' | 'composite';
  /**
   * Run some kernels as loops over host-side data where the tfjs backend keeps it there (tfjs-wasm's
   * heap, tfjs-cpu's arrays): pooling, im2col, exact sums, SIMD clamp and transposes. Default true;
   * false runs tfjs ops only, as on GPU backends and tfjs-node (tests use it to cover those paths).
   */
  hostKernels?: boolean;
}

/**
 * A Parvus backend whose tensors are tf.Tensors on one tfjs backend ('wasm', 'cpu', 'tensorflow',
 * 'webgl', 'webgpu'). Kernels run inside `tf.tidy`, so only the tf.Tensors that Parvus tensors hold
 * stay alive: a training loop keeps `tf.memory().numTensors` flat.
 */
export class TfjsBackend implements Backend {
  readonly specificationVersion: number = KERNEL_SPECIFICATION_VERSION;
  private readonly live = new Set<TfjsDataId>();
  private numBytes = 0;
  /** What the tfjs backend's native ops do at the edges (see impl/semantics.ts). */
  readonly semantics: TfjsSemantics;
  readonly fakeQuantizePath: NonNullable<TfjsBackendOptions['fakeQuantize']>;
  readonly hostKernels: boolean;

  /**
   * @param name the Parvus backend name ('tfjs-wasm', 'tfjs-cpu', 'tfjs', …)
   * @param tfjsBackendName the tfjs backend it runs on, initialised already (see tfjs-runtime.ts)
   */
  constructor(
    readonly name: string,
    readonly tfjsBackendName: string,
    options: TfjsBackendOptions = {},
  ) {
    this.semantics = options.semantics ?? CONSERVATIVE;
    this.hostKernels = options.hostKernels ?? true;
    this.fakeQuantizePath = options.fakeQuantize ?? (this.hostKernels ? 'auto' : 'composite');
  }

  /** Make this backend's tfjs backend the active one (tfjs keeps one active backend per process). */
  activate(): void {
    if (tf.getBackend() !== this.tfjsBackendName) activateTfjsBackend(this.tfjsBackendName);
  }

  /** The tfjs backend instance (for kernels with a backend-specific fast path). */
  tfjsBackend(): tf.KernelBackend {
    return tf.findBackend(this.tfjsBackendName) as tf.KernelBackend;
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    if (values.length !== sizeOf(shape)) {
      throw new Error(`write: ${values.length} values for shape [${shape.join(', ')}].`);
    }
    this.activate();
    return this.adopt(tf.tensor(values, [...shape], dtype));
  }

  async read(dataId: DataId): Promise<TypedArray> {
    const tensor = this.tensorOf(dataId);
    return this.hostArray(await tensor.data(), tensor.dtype);
  }

  readSync(dataId: DataId): TypedArray {
    const tensor = this.tensorOf(dataId);
    return this.hostArray(tensor.dataSync(), tensor.dtype);
  }

  disposeData(dataId: DataId): void {
    const handle = dataId as TfjsDataId;
    if (!this.live.delete(handle)) return;
    this.numBytes -= handle.tensor.size * bytesPerElement(handle.tensor.dtype as DType);
    handle.tensor.dispose();
  }

  memory(): BackendMemoryInfo {
    return { numBytes: this.numBytes, numDataIds: this.live.size };
  }

  floatPrecision(): 16 | 32 {
    // webgl without float32 textures computes in float16.
    return this.tfjsBackend().floatPrecision() === 16 ? 16 : 32;
  }

  dispose(): void {
    for (const handle of this.live) handle.tensor.dispose();
    this.live.clear();
    this.numBytes = 0;
  }

  // --- for kernels ----------------------------------------------------------------------------

  /** The tf.Tensor behind a kernel input, with the input's shape (Parvus reshapes are views). */
  input(info: TensorInfo): tf.Tensor {
    const tensor = this.tensorOf(info.dataId);
    const same = tensor.shape.length === info.shape.length && tensor.shape.every((d, i) => d === info.shape[i]);
    return same ? tensor : tf.reshape(tensor, [...info.shape]);
  }

  /**
   * Take ownership of a kernel's result (computed inside `tf.tidy`, which kept it alive). `taken`:
   * tf.Tensors that handles own already (the kernel's inputs, earlier outputs of the same call); a
   * result that is one of them is cloned, since two handles must never share a tf.Tensor (disposing
   * one would free the other's storage).
   */
  output(tensor: tf.Tensor, taken: readonly tf.Tensor[] = []): TensorInfo {
    if (!DTYPES.has(tensor.dtype)) throw new Error(`tfjs produced a ${tensor.dtype} tensor`);
    const dataId = this.adopt(taken.includes(tensor) ? tf.clone(tensor) : tensor);
    return { dataId, shape: dataId.tensor.shape, dtype: dataId.tensor.dtype as DType };
  }

  private adopt(tensor: tf.Tensor): TfjsDataId {
    const handle = new TfjsDataId(tensor);
    this.live.add(handle);
    this.numBytes += tensor.size * bytesPerElement(tensor.dtype as DType);
    return handle;
  }

  /** The tf.Tensor a storage handle owns. */
  tensorOf(dataId: DataId): tf.Tensor {
    const handle = dataId as TfjsDataId;
    if (!this.live.has(handle)) throw new Error(`Backend '${this.name}' has no data for this tensor (disposed?).`);
    return handle.tensor;
  }

  /** A host copy of the right typed array (some tfjs backends store int32 or bool in other arrays). */
  private hostArray(values: tf.DataTypeMap[tf.NumericDataType], dtype: tf.DataType): TypedArray {
    const fresh = FRESH_READS.has(this.tfjsBackendName);
    switch (dtype) {
      case 'float32':
        return values instanceof Float32Array ? (fresh ? values : values.slice()) : Float32Array.from(values);
      case 'int32':
        return values instanceof Int32Array ? (fresh ? values : values.slice()) : Int32Array.from(values);
      case 'bool':
        return values instanceof Uint8Array ? (fresh ? values : values.slice()) : Uint8Array.from(values, (v) => (v ? 1 : 0));
      default:
        throw new Error(`Backend '${this.name}' cannot read a ${dtype} tensor.`);
    }
  }
}
