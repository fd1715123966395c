import type { DataId, DType, TensorInfo, TypedArray } from './tensor-info.js';

/** Memory a backend reports; `numBytes` counts live storage it owns. */
export interface BackendMemoryInfo {
  numBytes: number;
  numDataIds: number;
  /** True when the figures are estimates (a backend that cannot see its allocator exactly). */
  unreliable?: boolean;
}

/**
 * A compute backend: storage plus kernels (registered separately, see kernel-registry.ts).
 * Backends are forward-only; autograd lives in core.
 */
export interface Backend {
  readonly name: string;
  /** The kernel-contract version this backend implements (see specification.ts). */
  readonly specificationVersion: number;
  /** Store host values; the backend owns `values` afterwards (it may keep the array). */
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  read(dataId: DataId): Promise<TypedArray>;
  /** Synchronous read, where the backend can do it (not on GPUs without a sync path). */
  readSync?(dataId: DataId): TypedArray;
  /** Free storage. Called exactly once per dataId by the engine, when its last tensor goes. */
  disposeData(dataId: DataId): void;
  memory(): BackendMemoryInfo;
  /** Bits of float precision the backend computes float32 kernels with. */
  floatPrecision(): 16 | 32;
  /** Release everything (the backend is not used afterwards). */
  dispose?(): void;
}

/** What a kernel receives. */
export interface KernelArgs<A = Record<string, unknown>> {
  inputs: readonly TensorInfo[];
  attrs: A;
  backend: Backend;
}

export type KernelFunc<A = never> = (args: KernelArgs<A>) => TensorInfo | TensorInfo[];

/** A kernel as a backend registers it (tfjs's KernelConfig). */
export interface KernelConfig<A = never> {
  kernelName: string;
  backendName: string;
  kernelFunc: KernelFunc<A>;
}
