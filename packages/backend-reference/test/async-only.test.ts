/**
 * The reference backend with its synchronous read taken away: what a WebGPU or browser backend
 * offers core. The whole conformance suite runs on it, exactly (every Brevitas fixture, the QAT
 * steps, the training loop's leak check), so nothing core does to build, train or check a
 * quantized network needs `readSync` (a read there would throw "cannot read synchronously"):
 * structure comes from values core knows (Engine.knownValue) and value checks wait for the next
 * read (Engine.check).
 */
import type { Backend, DataId, DType, KernelArgs, TypedArray } from '@parvus/core';
import { registerKernel } from '@parvus/core';
import { describeBackendConformance } from '@parvus/conformance';
import { ReferenceBackend, referenceKernelConfigs } from '../src/index.js';

const NAME = 'reference-async-only';

class AsyncOnlyBackend implements Backend {
  readonly name = NAME;
  readonly inner = new ReferenceBackend();
  readonly specificationVersion = this.inner.specificationVersion;
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
}

for (const config of referenceKernelConfigs) {
  registerKernel({
    kernelName: config.kernelName,
    backendName: NAME,
    kernelFunc: (args: KernelArgs<never>) => config.kernelFunc({ ...args, backend: (args.backend as AsyncOnlyBackend).inner }),
  });
}

describeBackendConformance(NAME, () => new AsyncOnlyBackend());
