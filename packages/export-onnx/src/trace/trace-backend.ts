/**
 * The recording backend: the reference backend under its own name, with every reference kernel
 * registered for it through a wrapper that runs the real kernel and reports the call. Tracing a
 * module is running its forward with this backend active.
 *
 * While a trace runs, freed storage is kept (the graph builder reads constants that the forward
 * has already disposed) and host reads of values computed from the input are refused (they would
 * bake the sample's data into the graph).
 */
import { ReferenceBackend } from '@parvus/backend-reference';
import type { DataId, KernelArgs, TensorInfo, TypedArray } from '@parvus/core';
import { engine, getKernel, getKernelsForBackend, hasKernel, registerBackend, registerKernel } from '@parvus/core';

export const TRACE_BACKEND = 'onnx-export-trace';
const INNER_BACKEND = 'reference';

/** What the backend tells the trace. */
export interface KernelListener {
  kernel(kernelName: string, inputs: readonly TensorInfo[], attrs: Record<string, unknown>, outputs: readonly TensorInfo[]): void;
  /** Called before a host read; throws to refuse it. */
  read(dataId: DataId): void;
}

export class TraceBackend extends ReferenceBackend {
  override readonly name: string = TRACE_BACKEND;
  private listener: KernelListener | null = null;
  private deferred: DataId[] = [];

  /** Start reporting to `listener` (one trace at a time). */
  attach(listener: KernelListener): void {
    if (this.listener) throw new Error('An ONNX export is already tracing (exports do not nest).');
    this.listener = listener;
  }

  /** Stop reporting and free what the trace kept. */
  detach(): void {
    this.listener = null;
    const deferred = this.deferred;
    this.deferred = [];
    for (const dataId of deferred) super.disposeData(dataId);
  }

  override readSync(dataId: DataId): TypedArray {
    this.listener?.read(dataId);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId): void {
    if (this.listener) this.deferred.push(dataId);
    else super.disposeData(dataId);
  }

  /** Run the reference kernel on this backend's storage and report the call. */
  runKernel(kernelName: string, args: KernelArgs<Record<string, unknown>>): TensorInfo | TensorInfo[] {
    const kernel = getKernel(kernelName, INNER_BACKEND) as unknown as ((a: KernelArgs<Record<string, unknown>>) => TensorInfo | TensorInfo[]) | undefined;
    if (!kernel) throw new Error(`Kernel '${kernelName}' is not registered for backend '${INNER_BACKEND}'.`);
    const result = kernel({ inputs: args.inputs, attrs: args.attrs, backend: this });
    this.listener?.kernel(kernelName, args.inputs, args.attrs, Array.isArray(result) ? result : [result]);
    return result;
  }
}

let instance: TraceBackend | null = null;

/** The recording backend, registered (with the lowest priority) on first use. */
export function traceBackend(): TraceBackend {
  if (!instance) {
    const created = new TraceBackend();
    // Lowest priority: the engine never picks it by itself.
    registerBackend(TRACE_BACKEND, () => created, Number.NEGATIVE_INFINITY);
    const registered = engine().findBackend(TRACE_BACKEND);
    if (!(registered instanceof TraceBackend)) {
      throw new Error(`Backend '${TRACE_BACKEND}' is registered by another copy of @parvus/export-onnx; load one copy.`);
    }
    instance = registered;
  }
  // Kernels added to the reference backend since the last export are wrapped too.
  for (const kernelName of getKernelsForBackend(INNER_BACKEND)) {
    if (hasKernel(kernelName, TRACE_BACKEND)) continue;
    const backend = instance;
    registerKernel<Record<string, unknown>>({
      kernelName,
      backendName: TRACE_BACKEND,
      kernelFunc: (args) => backend.runKernel(kernelName, args),
    });
  }
  return instance;
}
