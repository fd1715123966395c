import type { Backend, BackendMemoryInfo, DataId, DType, TensorInfo, TypedArray } from '@parvus/core';
import { KERNEL_SPECIFICATION_VERSION, bytesPerElement, sizeOf } from '@parvus/core';

interface Stored {
  values: TypedArray;
  dtype: DType;
}

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

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    if (values.length !== sizeOf(shape)) {
      throw new Error(`write: ${values.length} values for shape [${shape.join(', ')}].`);
    }
    const dataId = new ReferenceDataId(this.nextId++);
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
  }

  memory(): BackendMemoryInfo {
    return { numBytes: this.numBytes, numDataIds: this.storage.size };
  }

  floatPrecision(): 32 {
    return 32;
  }

  dispose(): void {
    this.storage.clear();
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
