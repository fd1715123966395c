/**
 * The onnxruntime backend: storage whose values are produced asynchronously, and the machinery
 * that runs each kernel as a cached ONNX session.
 *
 * The kernel contract is synchronous (a kernel returns its output's shape and dtype at once), but
 * onnxruntime's InferenceSession.run is asynchronous. So a kernel computes its output shapes in
 * JS, submits its run and returns handles at once: storage and sessions are named by numbers, and
 * an executor runs the commands in the order submitted, in this thread (browsers, WebGPU) or in a
 * worker thread (Node), where a synchronous read can block until the worker has the values.
 * Storage is released only after every run submitted before the free. A failed kernel leaves a
 * failure in place of its outputs, naming it; the error surfaces where the values are read, and
 * kernels fed by a failed one fail with it.
 */
import type { Backend, BackendMemoryInfo, DataId, DType, TensorInfo, TypedArray } from '@parvus/core';
import { KERNEL_SPECIFICATION_VERSION, KernelError, bytesPerElement, sizeOf, typedArrayFor } from '@parvus/core';
import type { Dimension, OnnxType } from './graph/onnx-graph.js';
import { OnnxGraph } from './graph/onnx-graph.js';
import type { Executor } from './execution/executor.js';
import { InThreadExecutor } from './execution/executor.js';
import type { Failure } from './execution/protocol.js';
import { WorkerExecutor } from './execution/worker-executor.js';
import type { OnnxruntimeFlavour, RuntimeOptions } from './runtime.js';
import { isNode, loadRuntime } from './runtime.js';

/** The backend names this package registers, by flavour. */
export const BACKEND_NAMES: Readonly<Record<OnnxruntimeFlavour, string>> = {
  wasm: 'onnxruntime',
  webgpu: 'onnxruntime-webgpu',
  node: 'onnxruntime-node',
};

export interface OnnxruntimeBackendOptions extends RuntimeOptions {
  /** Which onnxruntime runs the kernels (default 'wasm'). */
  flavour?: OnnxruntimeFlavour;
  /** The name the backend answers to; kernels are registered for the three default names. */
  name?: string;
  /**
   * Node, 'wasm' and 'node' flavours: run onnxruntime in a worker thread (default true), which
   * gives synchronous reads (`dataSync()`, `item()`). With false, onnxruntime runs in this thread:
   * 'node' still reads synchronously (its native binding runs synchronously), 'wasm' does not.
   * Browsers and WebGPU always run in this thread. Ignored when `module` is given (in this thread).
   */
  worker?: boolean;
}

/** Counters of the session cache and of the work done. */
export interface OnnxruntimeStats {
  /** InferenceSessions created (cache misses) since the backend was created. */
  sessionsCreated: number;
  /** Sessions in the cache now. */
  sessionsCached: number;
  /** session.run calls made so far (with a worker, those it has made by now). */
  runs: number;
  /** Kernels answered without onnxruntime (empty outputs, views). */
  runsSkipped: number;
}

/** An output a kernel declares: its shape and dtype, known before the kernel runs. */
export interface OutputSpec {
  shape: readonly number[];
  dtype: DType;
}

/** One kernel call as an ONNX graph (see OnnxruntimeBackend.runGraph). */
export interface GraphCall {
  kernelName: string;
  /**
   * What the graph depends on besides the input dtypes and ranks, which are added to the key
   * (attributes; shapes when `staticShapes` or when constants in the graph derive from them).
   */
  key: string;
  inputs: readonly TensorInfo[];
  outputs: readonly OutputSpec[];
  /** Declare the inputs with their static sizes (default: symbolic, so one session serves all sizes). */
  staticShapes?: boolean;
  /** Add the nodes computing the outputs from the graph inputs; return one value name per output. */
  build: (graph: OnnxGraph, inputs: readonly string[]) => readonly string[];
  /**
   * Op types whose nodes the GPU execution provider claims but cannot run for this graph (MaxPool's
   * Indices output on WebGPU): they are pinned to onnxruntime's CPU provider.
   */
  cpuOpTypes?: readonly string[];
}

/** Storage on the executor's side, shared by the handles that view it. */
class Storage {
  refs = 1;
  constructor(readonly id: number) {}
}

/** The DataId of this backend: a handle to (possibly not yet computed) storage. */
class OnnxruntimeData {
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly bytes: number,
  ) {}
}

export class OnnxruntimeBackend implements Backend {
  readonly name: string;
  readonly specificationVersion: number = KERNEL_SPECIFICATION_VERSION;
  readonly flavour: OnnxruntimeFlavour;
  /** Synchronous read: in Node with a worker thread, or onnxruntime-node in this thread. */
  readonly readSync?: (dataId: DataId) => TypedArray;
  private readonly executor: Executor;
  private readonly handles = new Set<OnnxruntimeData>();
  private readonly sessions = new Map<string, number>();
  private nextStorage = 1;
  private numBytes = 0;
  private counters = { sessionsCreated: 0, runsSkipped: 0 };
  private disposed = false;

  /** Load onnxruntime for the flavour and create the backend (use this, not the constructor). */
  static async create(options: OnnxruntimeBackendOptions = {}): Promise<OnnxruntimeBackend> {
    const flavour = options.flavour ?? 'wasm';
    const name = options.name ?? BACKEND_NAMES[flavour];
    const toError = (f: Failure): Error => kernelError(name, f);
    const inWorker = isNode && flavour !== 'webgpu' && options.module === undefined && options.worker !== false;
    const executor = inWorker
      ? await WorkerExecutor.start(flavour, options, name, toError)
      : new InThreadExecutor(await loadRuntime(flavour, options), name, toError);
    const backend = new OnnxruntimeBackend(executor, name);
    try {
      await backend.warmUp();
    } catch (error) {
      backend.dispose();
      throw error;
    } finally {
      executor.afterWarmUp();
    }
    return backend;
  }

  constructor(executor: Executor, name: string = BACKEND_NAMES[executor.flavour]) {
    this.executor = executor;
    this.flavour = executor.flavour;
    this.name = name;
    const readSync = executor.readSync;
    if (readSync) {
      this.readSync = (dataId) => {
        const data = this.dataOf(dataId);
        return readSync(data.storage.id, data.dtype, sizeOf(data.shape));
      };
    }
  }

  /** Which onnxruntime this backend runs on, in words. */
  get description(): string {
    return this.executor.description;
  }

  /** Session-cache and run counters (a training loop creates no session after its first step). */
  stats(): OnnxruntimeStats {
    return { ...this.counters, runs: this.executor.runs(), sessionsCached: this.sessions.size };
  }

  // --- storage ----------------------------------------------------------------------------

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    this.throwIfDisposed();
    if (values.length !== sizeOf(shape)) {
      throw new Error(`write: ${values.length} values for shape [${shape.join(', ')}].`);
    }
    const storage = new Storage(this.nextStorage++);
    this.executor.submit({ op: 'write', id: storage.id, dtype, shape: [...shape], values });
    return this.track(storage, shape, dtype);
  }

  read(dataId: DataId): Promise<TypedArray> {
    const data = this.dataOf(dataId);
    // In order, so that a free issued after this read cannot release the storage under it.
    return this.executor.read(data.storage.id, data.dtype, sizeOf(data.shape));
  }

  disposeData(dataId: DataId): void {
    const data = dataId as OnnxruntimeData;
    if (!this.handles.delete(data)) return;
    this.numBytes -= data.bytes;
    this.release(data.storage);
  }

  memory(): BackendMemoryInfo {
    return { numBytes: this.numBytes, numDataIds: this.handles.size };
  }

  floatPrecision(): 32 {
    return 32;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.handles.clear();
    this.numBytes = 0;
    this.sessions.clear();
    // The executor releases every session and tensor after the commands before.
    this.executor.dispose();
  }

  /** Where a tensor's values live once computed: 'cpu' (wasm, node) or 'gpu-buffer' (WebGPU). */
  location(dataId: DataId): Promise<string> {
    return this.executor.location(this.dataOf(dataId).storage.id);
  }

  /** Wait until every kernel submitted so far has run (reads already wait for what they need). */
  flush(): Promise<void> {
    return this.executor.flush();
  }

  // --- kernels ----------------------------------------------------------------------------

  /**
   * Run a kernel as an ONNX graph: the session is looked up by signature (kernel, key, input
   * dtypes and ranks or shapes) and created on first use. Returns the outputs at once.
   */
  runGraph(call: GraphCall): TensorInfo[] {
    this.throwIfDisposed();
    const inputs = call.inputs.map((info) => this.dataOf(info.dataId));
    if (call.outputs.every((o) => sizeOf(o.shape) === 0)) {
      return call.outputs.map((o) => this.filledOutput(o.shape, o.dtype, 0));
    }
    let signature = `${call.kernelName}|${call.key}`;
    for (const info of call.inputs) signature += `|${info.dtype}[${call.staticShapes ? info.shape.join(',') : info.shape.length}]`;
    const session = this.session(signature, call);
    const outputs = call.outputs.map((o) => ({ storage: new Storage(this.nextStorage++), spec: o }));
    this.executor.submit({
      op: 'run',
      session,
      inputs: inputs.map((data) => data.storage.id),
      inputShapes: call.inputs.map((info) => info.shape),
      outputs: outputs.map((o) => o.storage.id),
      outputShapes: call.outputs.map((o) => o.shape),
    });
    return outputs.map(({ storage, spec }) => ({
      dataId: this.track(storage, spec.shape, spec.dtype),
      shape: spec.shape,
      dtype: spec.dtype,
    }));
  }

  /**
   * Run a host kernel (src/execution/host-kernels.ts): JS on the values, where onnxruntime holds
   * them, in order with the sessions. For what no ONNX graph computes as the contract asks.
   */
  runHost(kernelName: string, attrs: object, inputs: readonly TensorInfo[], outputs: readonly OutputSpec[]): TensorInfo[] {
    this.throwIfDisposed();
    const data = inputs.map((info) => this.dataOf(info.dataId));
    const storages = outputs.map(() => new Storage(this.nextStorage++));
    this.executor.submit({
      op: 'host',
      kernelName,
      attrs: { ...attrs },
      inputs: data.map((d) => d.storage.id),
      inputShapes: inputs.map((info) => info.shape),
      outputs: storages.map((storage) => storage.id),
      outputShapes: outputs.map((o) => o.shape),
    });
    return outputs.map((o, i) => ({ dataId: this.track(storages[i] as Storage, o.shape, o.dtype), shape: o.shape, dtype: o.dtype }));
  }

  /** A new handle on the same storage as `info` (no copy; values are immutable). */
  alias(info: TensorInfo, shape: readonly number[] = info.shape): TensorInfo {
    const data = this.dataOf(info.dataId);
    if (sizeOf(shape) !== sizeOf(data.shape)) throw new Error('alias: sizes differ');
    data.storage.refs++;
    this.counters.runsSkipped++;
    return { dataId: this.track(data.storage, shape, info.dtype), shape, dtype: info.dtype };
  }

  /** A new tensor holding `value` everywhere (built on the host; used for empty and trivial outputs). */
  filled(shape: readonly number[], dtype: DType, value: number): DataId {
    const size = sizeOf(shape);
    const values = typedArrayFor(dtype, size);
    if (value !== 0) values.fill(value);
    return this.write(values, shape, dtype);
  }

  /** The output declaration of a filled tensor, for kernels answering without onnxruntime. */
  filledOutput(shape: readonly number[], dtype: DType, value: number): TensorInfo {
    this.counters.runsSkipped++;
    return { dataId: this.filled(shape, dtype, value), shape, dtype };
  }

  // --- internals --------------------------------------------------------------------------

  /** The session of a signature, submitting its creation on first use. */
  private session(signature: string, call: GraphCall): number {
    const cached = this.sessions.get(signature);
    if (cached !== undefined) return cached;
    const id = ++this.counters.sessionsCreated;
    this.sessions.set(signature, id);
    let model: Uint8Array | null = null;
    let error: string | undefined;
    let cpuNodes: string[] = [];
    try {
      const graph = new OnnxGraph();
      const names = call.inputs.map((info) =>
        graph.input(info.dtype as OnnxType, info.shape.map((d): Dimension => (call.staticShapes ? d : null))));
      const values = call.build(graph, names);
      if (values.length !== call.outputs.length) throw new Error(`the graph has ${values.length} outputs, expected ${call.outputs.length}`);
      values.forEach((value, i) => graph.output(value, (call.outputs[i] as OutputSpec).dtype));
      if (this.flavour === 'webgpu') cpuNodes = (call.cpuOpTypes ?? []).flatMap((op) => graph.nodeNames(op));
      model = graph.toBytes();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.executor.submit({ op: 'session', id, kernelName: call.kernelName, model, ...(error !== undefined ? { error } : {}), ...(cpuNodes.length > 0 ? { cpuNodes } : {}) });
    return id;
  }

  private track(storage: Storage, shape: readonly number[], dtype: DType): OnnxruntimeData {
    const bytes = sizeOf(shape) * bytesPerElement(dtype);
    const data = new OnnxruntimeData(storage, [...shape], dtype, bytes);
    this.handles.add(data);
    this.numBytes += bytes;
    return data;
  }

  private release(storage: Storage): void {
    storage.refs--;
    // Freed after the runs submitted before this free.
    if (storage.refs === 0 && !this.disposed) this.executor.submit({ op: 'free', id: storage.id });
  }

  private dataOf(dataId: DataId): OnnxruntimeData {
    const data = dataId as OnnxruntimeData;
    if (!this.handles.has(data)) {
      throw new Error(`backend '${this.name}' has no data for this tensor (disposed, or from another backend?)`);
    }
    return data;
  }

  private throwIfDisposed(): void {
    if (this.disposed) throw new Error(`backend '${this.name}' has been disposed`);
  }

  /** Load the runtime's wasm and check that a trivial graph runs, so that setBackend fails early. */
  private async warmUp(): Promise<void> {
    const x = this.write(Float32Array.from([-1, 2]), [2], 'float32');
    const info: TensorInfo = { dataId: x, shape: [2], dtype: 'float32' };
    const [y] = this.runGraph({
      kernelName: 'WarmUp',
      key: '',
      inputs: [info],
      outputs: [{ shape: [2], dtype: 'float32' }],
      build: (graph, [input]) => [graph.op('Relu', [input as string])],
    });
    try {
      const values = await this.read((y as TensorInfo).dataId);
      if (values[0] !== 0 || values[1] !== 2) throw new Error(`a Relu test graph returned [${Array.from(values).join(', ')}]`);
    } finally {
      this.disposeData(x);
      this.disposeData((y as TensorInfo).dataId);
    }
  }
}

/**
 * The error of a failed kernel. Kernels fed by it fail with their own error that names the first
 * kernel that failed (`kernelName` stays that first kernel, so a chain reports its origin).
 */
function kernelError(backendName: string, failure: Failure): KernelError {
  const error = new KernelError(failure.kernelName, backendName, failure.message);
  (error as KernelError & { parvusReason?: string }).parvusReason = failure.reason;
  if (failure.cause !== undefined) (error as Error & { cause?: unknown }).cause = new Error(failure.cause);
  return error;
}
