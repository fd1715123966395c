/**
 * The onnxruntime backend: storage whose values are produced asynchronously, and the machinery
 * that runs each kernel as a cached ONNX session.
 *
 * The kernel contract is synchronous (a kernel returns its output's shape and dtype at once), but
 * InferenceSession.run is asynchronous. So a kernel computes its output shapes in JS, enqueues its
 * run, and returns handles at once: every handle holds a promise of an onnxruntime tensor. Runs,
 * reads and frees go through one FIFO queue, so a kernel always runs after the kernels that made
 * its inputs, and storage is released only after every run that was queued before the free.
 * A failed kernel rejects its outputs' promises with an error naming it; the error surfaces where
 * the values are read (`await tensor.data()`), and kernels fed by a failed one fail with it.
 */
import type { Backend, BackendMemoryInfo, DataId, DType, TensorInfo, TypedArray } from '@parvus/core';
import { KERNEL_SPECIFICATION_VERSION, KernelError, bytesPerElement, sizeOf } from '@parvus/core';
import type { InferenceSession, Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-common';
import type { Dimension, OnnxType } from './graph/onnx-graph.js';
import { OnnxGraph } from './graph/onnx-graph.js';
import type { OnnxruntimeFlavour, Runtime, RuntimeOptions } from './runtime.js';
import { loadRuntime } from './runtime.js';
import { sameShape } from './shape.js';

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
}

/** Counters of the session cache and of the work done. */
export interface OnnxruntimeStats {
  /** InferenceSessions created (cache misses) since the backend was created. */
  sessionsCreated: number;
  /** Sessions in the cache now. */
  sessionsCached: number;
  /** session.run calls. */
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

/** A block of onnxruntime data that one or more handles share. */
class Storage {
  refs = 1;
  readonly promise: Promise<OrtTensor>;

  constructor(promise: Promise<OrtTensor>) {
    this.promise = promise;
    // Rejections are delivered when the values are read; an unread failure is not an unhandled one.
    promise.catch(() => undefined);
  }
}

/** The DataId of this backend: a handle to (possibly still pending) storage. */
class OnnxruntimeData {
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly bytes: number,
  ) {}
}

interface CachedSession {
  session: InferenceSession;
  inputNames: readonly string[];
  outputNames: readonly string[];
}

const ORT_TYPES: Record<DType, OrtTensor.Type> = { float32: 'float32', int32: 'int32', bool: 'bool' };

function typedCopy(data: unknown, dtype: DType, size: number): TypedArray {
  const source = data as ArrayLike<number>;
  if (source.length !== size) throw new Error(`expected ${size} values, onnxruntime returned ${source.length}`);
  // A copy either way: the caller owns what read() returns.
  switch (dtype) {
    case 'float32': return source instanceof Float32Array ? source.slice() : Float32Array.from(source);
    case 'int32': return source instanceof Int32Array ? source.slice() : Int32Array.from(source);
    case 'bool': return Uint8Array.from(source, (v) => (v ? 1 : 0));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class OnnxruntimeBackend implements Backend {
  readonly name: string;
  readonly specificationVersion: number = KERNEL_SPECIFICATION_VERSION;
  readonly flavour: OnnxruntimeFlavour;
  private readonly runtime: Runtime;
  private readonly handles = new Set<OnnxruntimeData>();
  private readonly sessions = new Map<string, Promise<CachedSession>>();
  private queueTail: Promise<unknown> = Promise.resolve();
  private numBytes = 0;
  private counters = { sessionsCreated: 0, runs: 0, runsSkipped: 0 };
  private disposed = false;

  /** Load onnxruntime for the flavour and create the backend (use this, not the constructor). */
  static async create(options: OnnxruntimeBackendOptions = {}): Promise<OnnxruntimeBackend> {
    const flavour = options.flavour ?? 'wasm';
    const runtime = await loadRuntime(flavour, options);
    const backend = new OnnxruntimeBackend(runtime, options.name ?? BACKEND_NAMES[flavour]);
    try {
      await backend.warmUp();
    } finally {
      runtime.afterWarmUp?.();
    }
    return backend;
  }

  constructor(runtime: Runtime, name: string = BACKEND_NAMES[runtime.flavour]) {
    this.runtime = runtime;
    this.flavour = runtime.flavour;
    this.name = name;
  }

  /** Which onnxruntime this backend runs on, in words. */
  get description(): string {
    return this.runtime.description;
  }

  /** Session-cache and run counters (a training loop creates no session after its first step). */
  stats(): OnnxruntimeStats {
    return { ...this.counters, sessionsCached: this.sessions.size };
  }

  // --- storage ----------------------------------------------------------------------------

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    this.throwIfDisposed();
    if (values.length !== sizeOf(shape)) {
      throw new Error(`write: ${values.length} values for shape [${shape.join(', ')}].`);
    }
    const tensor = new this.runtime.ort.Tensor(ORT_TYPES[dtype], values, shape);
    return this.track(new Storage(Promise.resolve(tensor)), shape, dtype);
  }

  read(dataId: DataId): Promise<TypedArray> {
    const data = this.dataOf(dataId);
    const size = sizeOf(data.shape);
    // Queued, so that a free issued after this read cannot release the storage under it.
    return this.enqueue(async () => {
      const tensor = await data.storage.promise;
      const values = tensor.location === 'cpu' || tensor.location === 'cpu-pinned' ? tensor.data : await tensor.getData();
      return typedCopy(values, data.dtype, size);
    });
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
    for (const data of this.handles) this.release(data.storage);
    this.handles.clear();
    this.numBytes = 0;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    void this.enqueue(async () => {
      for (const entry of sessions) {
        try {
          await (await entry).session.release();
        } catch {
          // a session that failed to create has nothing to release
        }
      }
    });
  }

  /** Where a tensor's values live once computed: 'cpu' (wasm, node) or 'gpu-buffer' (WebGPU). */
  async location(dataId: DataId): Promise<string> {
    const data = this.dataOf(dataId);
    return this.enqueue(async () => (await data.storage.promise).location);
  }

  /** Wait until every kernel enqueued so far has run (reads already wait for what they need). */
  async flush(): Promise<void> {
    await this.enqueue(() => undefined);
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
    const signature = [
      call.kernelName,
      call.key,
      ...call.inputs.map((info) => `${info.dtype}[${call.staticShapes ? info.shape.join(',') : info.shape.length}]`),
    ].join('|');
    const run = this.enqueue(async () => {
      const feeds: Record<string, OrtTensor> = {};
      const tensors: OrtTensor[] = [];
      for (let i = 0; i < inputs.length; i++) {
        let tensor: OrtTensor;
        try {
          tensor = await (inputs[i] as OnnxruntimeData).storage.promise;
        } catch (error) {
          // Name the kernel that failed first, not the whole chain of kernels it starved.
          const root = KernelError.isInstance(error) ? (error as KernelError).kernelName : 'an earlier kernel';
          const reason = (error as { parvusReason?: string }).parvusReason ?? messageOf(error);
          throw this.kernelError(call.kernelName, `its input ${i} was not computed, because kernel '${root}' failed: ${reason}`, error, reason, root);
        }
        // The engine's reshape is a view: the same storage under another shape.
        tensors.push(this.withShape(tensor, (call.inputs[i] as TensorInfo).shape));
      }
      let entry: CachedSession;
      try {
        entry = await this.session(signature, call);
      } catch (error) {
        throw this.kernelError(call.kernelName, `onnxruntime could not create its session: ${messageOf(error)}`, error);
      }
      entry.inputNames.forEach((name, i) => {
        feeds[name] = tensors[i] as OrtTensor;
      });
      let results: InferenceSession.ReturnType;
      try {
        this.counters.runs++;
        results = await entry.session.run(feeds);
      } catch (error) {
        throw this.kernelError(call.kernelName, `onnxruntime failed to run it: ${messageOf(error)}`, error);
      }
      const outputs = entry.outputNames.map((name) => results[name] as OrtTensor);
      const wrong = outputs.findIndex((t, i) => !sameShape(t.dims, (call.outputs[i] as OutputSpec).shape));
      if (wrong >= 0) {
        if (this.runtime.outputsOnDevice) for (const t of outputs) t.dispose();
        const got = (outputs[wrong] as OrtTensor).dims;
        throw this.kernelError(call.kernelName, `output ${wrong} has shape [${got.join(', ')}], expected [${(call.outputs[wrong] as OutputSpec).shape.join(', ')}]`);
      }
      return outputs;
    });
    return call.outputs.map((o, i) => ({
      dataId: this.track(new Storage(run.then((outputs) => outputs[i] as OrtTensor)), o.shape, o.dtype),
      shape: o.shape,
      dtype: o.dtype,
    }));
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
    const values = dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
    if (value !== 0) values.fill(value);
    const tensor = new this.runtime.ort.Tensor(ORT_TYPES[dtype], values, shape);
    return this.track(new Storage(Promise.resolve(tensor)), shape, dtype);
  }

  /** The output declaration of a filled tensor, for kernels answering without onnxruntime. */
  filledOutput(shape: readonly number[], dtype: DType, value: number): TensorInfo {
    this.counters.runsSkipped++;
    return { dataId: this.filled(shape, dtype, value), shape, dtype };
  }

  // --- internals --------------------------------------------------------------------------

  private session(signature: string, call: GraphCall): Promise<CachedSession> {
    let entry = this.sessions.get(signature);
    if (!entry) {
      this.counters.sessionsCreated++;
      entry = (async () => {
        const graph = new OnnxGraph();
        const names = call.inputs.map((info) =>
          graph.input(info.dtype as OnnxType, info.shape.map((d): Dimension => (call.staticShapes ? d : null))));
        const values = call.build(graph, names);
        if (values.length !== call.outputs.length) throw new Error(`the graph has ${values.length} outputs, expected ${call.outputs.length}`);
        values.forEach((value, i) => graph.output(value, (call.outputs[i] as OutputSpec).dtype));
        let options = this.runtime.sessionOptions;
        const cpuNodes = this.runtime.flavour === 'webgpu' ? (call.cpuOpTypes ?? []).flatMap((op) => graph.nodeNames(op)) : [];
        if (cpuNodes.length > 0) options = { ...options, executionProviders: [{ name: 'webgpu', forceCpuNodeNames: cpuNodes } as InferenceSession.ExecutionProviderConfig] };
        const session = await this.runtime.ort.InferenceSession.create(graph.toBytes(), options);
        return { session, inputNames: graph.inputNames, outputNames: graph.outputNames };
      })();
      entry.catch(() => undefined);
      this.sessions.set(signature, entry);
    }
    return entry;
  }

  private enqueue<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.queueTail.then(task);
    this.queueTail = result.then(() => undefined, () => undefined);
    return result;
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
    if (storage.refs > 0 || !this.runtime.outputsOnDevice) return;
    // GPU buffers are freed explicitly, after the runs queued before this free. A tensor that was
    // read reports location 'cpu' but still holds its buffer until dispose().
    void this.enqueue(async () => {
      try {
        (await storage.promise).dispose();
      } catch {
        // a failed kernel left nothing to free
      }
    });
  }

  private dataOf(dataId: DataId): OnnxruntimeData {
    const data = dataId as OnnxruntimeData;
    if (!this.handles.has(data)) {
      throw new Error(`backend '${this.name}' has no data for this tensor (disposed, or from another backend?)`);
    }
    return data;
  }

  /**
   * The error of a failed kernel. Kernels fed by it fail with their own error that names the first
   * kernel that failed (`kernelName` stays that first kernel, so a chain reports its origin).
   */
  private kernelError(kernelName: string, what: string, cause?: unknown, reason: string = what, root: string = kernelName): KernelError {
    const error = new KernelError(root, this.name, `Kernel '${kernelName}' failed on backend '${this.name}': ${what}`);
    (error as KernelError & { parvusReason?: string }).parvusReason = reason;
    if (cause !== undefined) (error as Error & { cause?: unknown }).cause = cause;
    return error;
  }

  /** `tensor` with `dims` (same size): a new header over the same CPU data or GPU buffer. */
  private withShape(tensor: OrtTensor, dims: readonly number[]): OrtTensor {
    if (sameShape(tensor.dims, dims)) return tensor;
    if (tensor.location === 'gpu-buffer') {
      const factory = this.runtime.ort.Tensor as unknown as TensorConstructor;
      return factory.fromGpuBuffer(tensor.gpuBuffer, { dataType: tensor.type as 'float32', dims });
    }
    return new this.runtime.ort.Tensor(tensor.type, tensor.data, dims);
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
