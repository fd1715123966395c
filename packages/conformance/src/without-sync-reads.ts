/**
 * A backend as core sees it on WebGPU or in a browser: an existing backend with `readSync` taken
 * away. Running the suite on it shows that nothing core does needs a synchronous read.
 */
import type { Backend, DataId, DType, KernelArgs, TypedArray } from '@parvus/core';
import { getKernel, getKernelsForBackend, hasKernel, registerKernel } from '@parvus/core';

class AsyncOnlyBackend implements Backend {
  readonly specificationVersion: number;

  constructor(readonly name: string, readonly inner: Backend) {
    this.specificationVersion = inner.specificationVersion;
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    return this.inner.write(values, shape, dtype);
  }

  read(dataId: DataId): Promise<TypedArray> {
    return this.inner.read(dataId);
  }

  disposeData(dataId: DataId): void {
    this.inner.disposeData(dataId);
  }

  memory(): ReturnType<Backend['memory']> {
    return this.inner.memory();
  }

  floatPrecision(): 16 | 32 {
    return this.inner.floatPrecision();
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}

/**
 * A factory for backend `name`: the backend `createInner` makes (registered as `innerName`, whose
 * kernels it borrows) without `readSync`. Its kernels are registered under `name` on first use.
 */
export function withoutSyncReads(name: string, innerName: string, createInner: () => Backend): () => Backend {
  return () => {
    for (const kernelName of getKernelsForBackend(innerName)) {
      if (hasKernel(kernelName, name)) continue;
      const kernelFunc = getKernel(kernelName, innerName) as NonNullable<ReturnType<typeof getKernel>>;
      registerKernel({
        kernelName,
        backendName: name,
        kernelFunc: (args: KernelArgs<never>) => kernelFunc({ ...args, backend: (args.backend as AsyncOnlyBackend).inner }),
      });
    }
    return new AsyncOnlyBackend(name, createInner());
  };
}
