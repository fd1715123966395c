import type { Backend, BackendMemoryInfo, DataId, DType, TensorInfo, TypedArray } from '@parvus/core';
import { KERNEL_SPECIFICATION_VERSION, bytesPerElement, sizeOf } from '@parvus/core';

interface Stored {
  values: TypedArray;
  dtype: DType;
}

/** At most this many bytes of disposed outputs are kept for reuse, and this many arrays per size. */
const POOL_BYTES = 64 << 20;
const POOL_PER_SIZE = 8;

/** A storage handle; its identity is the key. */
class ReferenceDataId {
  constructor(readonly id: number) {}
}

/**
 * The reference backend: tensors live in typed arrays on the JS heap and every kernel is a plain
 * loop. It is the executable specification of the kernel contract.
 */
export class ReferenceBackend implements Backend {
  readonly name: string = 'reference';
  readonly specificationVersion: number = KERNEL_SPECIFICATION_VERSION;
  private readonly storage = new Map<DataId, Stored>();
  private nextId = 0;
  private numBytes = 0;
  /**
   * Float32 outputs of disposed tensors, by length, for kernels that overwrite every element:
   * a training step allocates the same sizes every time, and fresh megabyte arrays cost a zero
   * fill and garbage-collector pressure. Only arrays this backend allocated and handed to exactly
   * one tensor are recycled (never user arrays, never an array stored twice).
   */
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;
  private readonly fresh = new WeakSet<TypedArray>();
  private readonly owned = new WeakSet<TypedArray>();

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    if (values.length !== sizeOf(shape)) {
      throw new Error(`write: ${values.length} values for shape [${shape.join(', ')}].`);
    }
    const dataId = new ReferenceDataId(this.nextId++);
    if (this.fresh.has(values)) {
      this.fresh.delete(values);
      this.owned.add(values);
    } else if (this.owned.has(values)) {
      // Stored a second time: it is no longer one tensor's alone.
      this.owned.delete(values);
    }
    this.storage.set(dataId, { values, dtype });
    this.numBytes += values.length * bytesPerElement(dtype);
    return dataId;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return this.stored(dataId).values.slice();
  }

  disposeData(dataId: DataId): void {
    const stored = this.storage.get(dataId);
    if (!stored) return;
    this.numBytes -= stored.values.length * bytesPerElement(stored.dtype);
    this.storage.delete(dataId);
    if (this.owned.has(stored.values)) {
      this.owned.delete(stored.values);
      this.recycle(stored.values as Float32Array);
    }
  }

  /**
   * A float32 array of `length` for a kernel output whose every element the kernel writes (its
   * contents are arbitrary until then): a recycled one when available.
   */
  allocateFloat32(length: number): Float32Array {
    const recycled = this.pool.get(length)?.pop();
    if (recycled) this.pooledBytes -= recycled.byteLength;
    const values = recycled ?? new Float32Array(length);
    this.fresh.add(values);
    return values;
  }

  private recycle(values: Float32Array): void {
    const bytes = values.byteLength;
    // Small arrays are cheap to allocate; large ones would pin memory.
    if (bytes < 4096 || this.pooledBytes + bytes > POOL_BYTES) return;
    const free = this.pool.get(values.length) ?? [];
    if (free.length >= POOL_PER_SIZE) return;
    free.push(values);
    this.pool.set(values.length, free);
    this.pooledBytes += bytes;
  }

  memory(): BackendMemoryInfo {
    return { numBytes: this.numBytes, numDataIds: this.storage.size };
  }

  floatPrecision(): 32 {
    return 32;
  }

  dispose(): void {
    this.storage.clear();
    this.pool.clear();
    this.pooledBytes = 0;
    this.numBytes = 0;
  }

  /** The live values of a tensor (not a copy: kernels must not write to inputs). */
  values<T extends TypedArray = TypedArray>(info: TensorInfo): T {
    return this.stored(info.dataId).values as T;
  }

  /** Take ownership of freshly computed values as a kernel output. */
  output(values: TypedArray, shape: readonly number[], dtype: DType): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  private stored(dataId: DataId): Stored {
    const stored = this.storage.get(dataId);
    if (!stored) throw new Error('The reference backend has no data for this tensor (disposed?).');
    return stored;
  }
}
