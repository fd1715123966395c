import type { Backend, BackendMemoryInfo } from '../kernels/backend.js';
import { getKernel } from '../kernels/kernel-registry.js';
import type { DataId, DType, TensorInfo, TypedArray } from '../kernels/tensor-info.js';
import { bytesPerElement, sizeOf } from '../kernels/tensor-info.js';
import { KERNEL_SPECIFICATION_VERSION } from '../kernels/specification.js';
import { BackendError, DisposedError, KernelError, ParvusError } from '../errors/errors.js';
import { recordKernel } from '../autograd/record.js';
import * as k from '../kernels/kernel-names.js';
import { Tensor } from './tensor.js';

export type BackendFactory = () => Backend | Promise<Backend>;

interface BackendRegistration {
  factory: BackendFactory;
  priority: number;
}

interface DataRecord {
  backend: Backend;
  refCount: number;
  bytes: number;
  /** The value every element has, where the host wrote it so (see `knownValue`). */
  constant?: number;
}

interface Scope {
  name: string;
  tracked: Tensor[];
  /**
   * Internal scopes wrap one op: they free its temporaries but hand tensors that the autograd graph
   * saved for backward up to the enclosing scope, which frees them when the user's `tidy` ends.
   */
  internal: boolean;
}

export interface MemoryInfo {
  /** Live (not disposed) tensors. */
  numTensors: number;
  /** Live storage blocks (tensors may share one, e.g. after reshape). */
  numDataIds: number;
  /** Bytes of live storage, as counted by the engine from shapes and dtypes. */
  numBytes: number;
  /** The active backend's own figures. */
  backend: BackendMemoryInfo | null;
}

/**
 * The engine: owns backends, dispatches kernels, tracks tensor lifetimes and scopes, and records
 * the autograd graph. There is one per process (see `engine()`).
 */
export class Engine {
  private readonly registry = new Map<string, BackendRegistration>();
  private readonly instances = new Map<string, Backend>();
  private readonly pending = new Map<string, Promise<Backend>>();
  private readonly initErrors = new Map<string, unknown>();
  private active: Backend | null = null;
  private readonly data = new Map<DataId, DataRecord>();
  private readonly checks: Array<{ evidence: Tensor; verdict: (values: TypedArray) => Error | null }> = [];
  private readonly scopes: Scope[] = [];
  private numTensors = 0;
  private numBytes = 0;
  private noGradDepth = 0;

  // --- backends ---------------------------------------------------------------------------

  registerBackend(name: string, factory: BackendFactory, priority = 1): boolean {
    if (this.registry.has(name)) {
      return false;
    }
    this.registry.set(name, { factory, priority });
    return true;
  }

  removeBackend(name: string): void {
    const instance = this.instances.get(name);
    if (instance === this.active) this.active = null;
    for (const [dataId, record] of this.data) {
      if (record.backend === instance) this.data.delete(dataId);
    }
    instance?.dispose?.();
    this.instances.delete(name);
    this.pending.delete(name);
    this.initErrors.delete(name);
    this.registry.delete(name);
  }

  registeredBackends(): string[] {
    return [...this.registry.keys()];
  }

  /** Initialise (awaiting an async factory) and activate a backend. */
  async setBackend(name: string): Promise<void> {
    this.active = await this.initialise(name);
  }

  /** Activate a backend whose factory is synchronous (or that is initialised already). */
  setBackendSync(name: string): void {
    const instance = this.initialiseSync(name);
    this.active = instance;
  }

  /** Initialise the highest-priority backend that works (awaiting async ones). */
  async ready(): Promise<Backend> {
    if (this.active) return this.active;
    for (const name of this.byPriority()) {
      try {
        this.active = await this.initialise(name);
        return this.active;
      } catch {
        // recorded in initErrors; reported below if nothing works
      }
    }
    throw this.noBackendError();
  }

  /** The active backend, initialising the best synchronous one on first use. */
  get backend(): Backend {
    if (this.active) return this.active;
    for (const name of this.byPriority()) {
      const registration = this.registry.get(name) as BackendRegistration;
      if (this.instances.has(name)) {
        this.active = this.instances.get(name) as Backend;
        return this.active;
      }
      let result: Backend | Promise<Backend>;
      try {
        result = registration.factory();
      } catch (error) {
        this.initErrors.set(name, error);
        continue;
      }
      if (result instanceof Promise) {
        throw new BackendError(
          `Backend '${name}' initialises asynchronously: call \`await setBackend('${name}')\` or \`await ready()\` ` +
            'before the first tensor operation.',
        );
      }
      try {
        this.accept(name, result);
      } catch (error) {
        this.initErrors.set(name, error);
        continue;
      }
      this.active = result;
      return result;
    }
    throw this.noBackendError();
  }

  get backendName(): string {
    return this.backend.name;
  }

  /** A backend instance by name (initialised on demand, synchronously). */
  findBackend(name: string): Backend {
    return this.initialiseSync(name);
  }

  private byPriority(): string[] {
    return [...this.registry.entries()]
      .filter(([name]) => !this.initErrors.has(name))
      .sort((a, b) => b[1].priority - a[1].priority)
      .map(([name]) => name);
  }

  private noBackendError(): BackendError {
    if (this.registry.size === 0) {
      return new BackendError(
        'No backend is registered. Import one, e.g. `import \'@parvus/backend-reference\'`, before using tensors.',
      );
    }
    const failures = [...this.initErrors.entries()].map(
      ([name, error]) => `  - '${name}': ${error instanceof Error ? error.message : String(error)}`,
    );
    return new BackendError(`No backend could be initialised. Failures:\n${failures.join('\n')}`);
  }

  private unknownBackend(name: string): BackendError {
    const known = this.registeredBackends().map((n) => `'${n}'`).join(', ') || 'none';
    return new BackendError(`Backend '${name}' is not registered. Registered backends: ${known}.`);
  }

  private async initialise(name: string): Promise<Backend> {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const registration = this.registry.get(name);
    if (!registration) throw this.unknownBackend(name);
    let promise = this.pending.get(name);
    if (!promise) {
      promise = Promise.resolve().then(registration.factory);
      this.pending.set(name, promise);
    }
    try {
      const instance = await promise;
      this.accept(name, instance);
      return instance;
    } catch (error) {
      this.initErrors.set(name, error);
      throw new BackendError(
        `Backend '${name}' failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.pending.delete(name);
    }
  }

  private initialiseSync(name: string): Backend {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const registration = this.registry.get(name);
    if (!registration) throw this.unknownBackend(name);
    let instance: Backend | Promise<Backend>;
    try {
      instance = registration.factory();
    } catch (error) {
      this.initErrors.set(name, error);
      throw new BackendError(
        `Backend '${name}' failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (instance instanceof Promise) {
      throw new BackendError(`Backend '${name}' initialises asynchronously: use \`await setBackend('${name}')\`.`);
    }
    this.accept(name, instance);
    return instance;
  }

  private accept(name: string, instance: Backend): void {
    if (Math.floor(instance.specificationVersion) !== KERNEL_SPECIFICATION_VERSION) {
      throw new BackendError(
        `Backend '${name}' implements kernel specification ${instance.specificationVersion}, ` +
          `but this @parvus/core implements ${KERNEL_SPECIFICATION_VERSION}. Install matching versions.`,
      );
    }
    this.instances.set(name, instance);
    this.initErrors.delete(name);
  }

  // --- storage ----------------------------------------------------------------------------

  /**
   * Wrap host values in a new tensor on the active backend. `constant`: the value every element
   * has, when the caller wrote it so (full, a one-element tensor); see `knownValue`.
   */
  makeTensor(values: TypedArray, shape: readonly number[], dtype: DType, constant?: number): Tensor {
    const backend = this.backend;
    const dataId = backend.write(values, shape, dtype);
    const tensor = this.makeTensorFromDataId(dataId, shape, dtype, backend);
    if (constant !== undefined) this.recordOf(dataId).constant = constant;
    return tensor;
  }

  /**
   * The value every element of `tensor` has, when core knows it without reading the tensor back:
   * storage the host filled with one value (a zero zero-point, a scalar init). Storage is never
   * written after creation (`assign` points a tensor at other storage), and views share it, so the
   * value stays true. Lets core decide structure (is this zero point zero?) on backends that cannot
   * read synchronously.
   */
  knownValue(tensor: Tensor): number | undefined {
    tensor.throwIfDisposed();
    return this.recordOf(this.resolve(tensor).dataId).constant;
  }

  /** Whether `tensor`'s backend can read it synchronously (`dataSync`, `item`). */
  canReadSync(tensor: Tensor): boolean {
    tensor.throwIfDisposed();
    return this.recordOf(this.resolve(tensor).dataId).backend.readSync !== undefined;
  }

  /** A new tensor over existing storage (a kernel output, or a view such as reshape). */
  makeTensorFromDataId(dataId: DataId, shape: readonly number[], dtype: DType, backend: Backend = this.backend): Tensor {
    const tensor = new Tensor(dataId, shape, dtype);
    this.incRef(dataId, backend, sizeOf(shape) * bytesPerElement(dtype));
    this.numTensors++;
    this.track(tensor);
    return tensor;
  }

  /** A new tensor sharing `tensor`'s storage with another shape of the same size (no copy). */
  makeView(tensor: Tensor, shape: readonly number[]): Tensor {
    tensor.throwIfDisposed();
    const record = this.recordOf(this.resolve(tensor).dataId);
    return this.makeTensorFromDataId(tensor.dataId, shape, tensor.dtype, record.backend);
  }

  private incRef(dataId: DataId, backend: Backend, bytes: number): void {
    const record = this.data.get(dataId);
    if (record) {
      record.refCount++;
    } else {
      this.data.set(dataId, { backend, refCount: 1, bytes });
      this.numBytes += bytes;
    }
  }

  private decRef(dataId: DataId): void {
    const record = this.data.get(dataId);
    if (!record) return;
    record.refCount--;
    if (record.refCount === 0) {
      this.data.delete(dataId);
      this.numBytes -= record.bytes;
      record.backend.disposeData(dataId);
    }
  }

  disposeTensor(tensor: Tensor): void {
    if (tensor.isDisposed) return;
    tensor.isDisposed = true;
    this.numTensors--;
    this.decRef(this.resolve(tensor).dataId);
    if (tensor.grad) {
      tensor.grad.dispose();
      tensor.grad = null;
    }
  }

  /** Point `target` at the storage of `source` (same shape and dtype), in place. */
  assign(target: Tensor, source: Tensor): void {
    target.throwIfDisposed();
    source.throwIfDisposed();
    const record = this.data.get(this.onActiveBackend(this.resolve(source)).dataId) as DataRecord;
    this.incRef(source.dataId, record.backend, record.bytes);
    this.decRef(this.resolve(target).dataId);
    target.dataId = source.dataId;
    target.version++;
  }

  async read(tensor: Tensor): Promise<TypedArray> {
    if (this.checks.length > 0) await this.settleChecks();
    return this.readNow(tensor);
  }

  /** Async, so that a synchronous failure (freed storage) rejects rather than throws. */
  private async readNow(tensor: Tensor): Promise<TypedArray> {
    const { dataId } = this.resolve(tensor);
    return this.recordOf(dataId).backend.read(dataId);
  }

  /**
   * A check on values, for the errors Brevitas raises from them (eval-mode scales that differ, an
   * invalid QuantTensor, a class index out of range). `evidence` is computed where the data is, and
   * the engine owns it from here; `verdict` turns its values into an error, or null when they
   * pass. Where the backend reads synchronously the verdict is immediate, as in PyTorch. Where it
   * cannot (WebGPU, browsers) the check waits for the next `data()`, or `settleChecks()`, which
   * throws the first failed check's error: late, but never silently dropped.
   */
  check(evidence: Tensor, verdict: (values: TypedArray) => Error | null): void {
    if (this.canReadSync(evidence)) {
      let failure: Error | null;
      try {
        failure = verdict(this.readSync(evidence));
      } finally {
        this.disposeTensor(evidence);
      }
      if (failure) throw failure;
      return;
    }
    evidence.kept = true;
    this.checks.push({ evidence, verdict });
  }

  /** Run the checks that wait for a read (see `check`); throws the first failure's error. */
  async settleChecks(): Promise<void> {
    while (this.checks.length > 0) {
      const batch = this.checks.splice(0);
      const results = await Promise.allSettled(batch.map(({ evidence }) => this.readNow(evidence)));
      let failure: unknown = null;
      batch.forEach(({ evidence, verdict }, i) => {
        const result = results[i] as PromiseSettledResult<TypedArray>;
        if (failure === null) failure = result.status === 'fulfilled' ? verdict(result.value) : result.reason;
        this.disposeTensor(evidence);
      });
      if (failure !== null) throw failure;
    }
  }

  /** Checks waiting for a read (see `check`). */
  get pendingChecks(): number {
    return this.checks.length;
  }

  readSync(tensor: Tensor): TypedArray {
    const { dataId } = this.resolve(tensor);
    const backend = this.recordOf(dataId).backend;
    if (!backend.readSync) {
      throw new BackendError(`Backend '${backend.name}' cannot read synchronously: use \`await tensor.data()\`.`);
    }
    return backend.readSync(dataId);
  }

  /** The backend that holds a tensor's storage. */
  backendOf(tensor: Tensor): Backend {
    return this.recordOf(this.resolve(tensor).dataId).backend;
  }

  private recordOf(dataId: DataId): DataRecord {
    const record = this.data.get(dataId);
    if (!record) throw new DisposedError('The storage of this tensor has been freed.');
    return record;
  }

  /** Move a tensor's storage to the active backend if it lives elsewhere (after setBackend). */
  private onActiveBackend(tensor: Tensor): Tensor {
    const record = this.recordOf(tensor.dataId);
    const backend = this.backend;
    if (record.backend === backend) return tensor;
    const values = this.readSync(tensor);
    const moved = backend.write(values.slice(), tensor.shape, tensor.dtype);
    // Every tensor sharing the old storage must follow it.
    const oldId = tensor.dataId;
    this.data.delete(oldId);
    record.backend.disposeData(oldId);
    this.data.set(moved, { backend, refCount: record.refCount, bytes: record.bytes, constant: record.constant });
    this.remap.set(oldId, moved);
    tensor.dataId = moved;
    return tensor;
  }

  private readonly remap = new WeakMap<DataId, DataId>();

  /** The current storage of a tensor, following moves between backends. */
  private resolve(tensor: Tensor): Tensor {
    let id = tensor.dataId;
    while (!this.data.has(id) && this.remap.has(id)) id = this.remap.get(id) as DataId;
    tensor.dataId = id;
    return tensor;
  }

  memory(): MemoryInfo {
    return {
      numTensors: this.numTensors,
      numDataIds: this.data.size,
      numBytes: this.numBytes,
      backend: this.active ? this.active.memory() : null,
    };
  }

  // --- scopes -----------------------------------------------------------------------------

  startScope(name = 'scope', internal = false): void {
    this.scopes.push({ name, tracked: [], internal });
  }

  /** End the innermost scope: dispose what it created, except `result`'s tensors and kept ones. */
  endScope(result?: unknown): void {
    const scope = this.scopes.pop();
    if (!scope) throw new ParvusError('endScope() without a matching startScope().');
    const survivors = new Set<Tensor>();
    collectTensors(result, survivors);
    const parent = this.scopes[this.scopes.length - 1];
    for (const tensor of scope.tracked) {
      if (tensor.kept || tensor.isDisposed) continue;
      if (survivors.has(tensor) || (scope.internal && tensor.savedForGrad)) {
        parent?.tracked.push(tensor);
      } else {
        tensor.dispose();
      }
    }
  }

  private track(tensor: Tensor): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tracked.push(tensor);
  }

  /** Exempt a tensor from scope disposal. */
  keep<T extends Tensor>(tensor: T): T {
    tensor.kept = true;
    return tensor;
  }

  // --- autograd mode ----------------------------------------------------------------------

  get gradEnabled(): boolean {
    return this.noGradDepth === 0;
  }

  withoutGrad<T>(fn: () => T): T {
    this.noGradDepth++;
    try {
      return fn();
    } finally {
      this.noGradDepth--;
    }
  }

  /** Run `fn` with gradient recording on, even inside `noGrad` (used by custom gradients). */
  withGrad<T>(fn: () => T): T {
    const saved = this.noGradDepth;
    this.noGradDepth = 0;
    try {
      return fn();
    } finally {
      this.noGradDepth = saved;
    }
  }

  // --- dispatch ---------------------------------------------------------------------------

  /** Run a kernel with one output. */
  runKernel(kernelName: string, inputs: readonly Tensor[], attrs: object = {}): Tensor {
    const outputs = this.runKernelMulti(kernelName, inputs, attrs);
    return outputs[0] as Tensor;
  }

  /** Run a kernel on the active backend and record it for autograd. */
  runKernelMulti(kernelName: string, inputs: readonly Tensor[], attrs: object = {}): Tensor[] {
    const backend = this.backend;
    const kernelFunc = getKernel(kernelName, backend.name);
    if (!kernelFunc) {
      throw new KernelError(
        kernelName,
        backend.name,
        `Kernel '${kernelName}' is not registered for backend '${backend.name}'.`,
      );
    }
    const infos: TensorInfo[] = [];
    for (const input of inputs) {
      input.throwIfDisposed();
      infos.push(this.onActiveBackend(this.resolve(input)));
    }
    let result: TensorInfo | TensorInfo[];
    try {
      result = (kernelFunc as unknown as (args: { inputs: TensorInfo[]; attrs: object; backend: Backend }) => TensorInfo | TensorInfo[])(
        { inputs: infos, attrs, backend },
      );
    } catch (error) {
      if (ParvusError.isInstance(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const wrapped = new KernelError(kernelName, backend.name, `Kernel '${kernelName}' failed on backend '${backend.name}': ${message}`);
      (wrapped as Error & { cause?: unknown }).cause = error;
      throw wrapped;
    }
    const infosOut = Array.isArray(result) ? result : [result];
    const outputs = infosOut.map((info) => this.makeTensorFromDataId(info.dataId, info.shape, info.dtype, backend));
    if (outputs.length === 1) this.propagateKnownValue(kernelName, inputs, outputs[0] as Tensor);
    if (this.gradEnabled) recordKernel(kernelName, inputs, outputs, attrs);
    return outputs;
  }

  /**
   * Arithmetic on tensors whose values are known gives a known value (see `knownValue`): the sum
   * of two zero points made from 0 is known to be 0 without a read. The kernel still runs; this
   * only records what it computed, in the output's dtype (float32 + − × ÷ of float32 values,
   * rounded once, are exact; int32 wraps).
   */
  private propagateKnownValue(kernelName: string, inputs: readonly Tensor[], output: Tensor): void {
    const arithmetic = KNOWN_VALUE_ARITHMETIC[kernelName];
    if (!arithmetic || output.dtype === 'bool' || (output.dtype === 'int32' && kernelName === k.Div)) return;
    const values: number[] = [];
    for (const input of inputs) {
      const known = this.data.get(this.resolve(input).dataId)?.constant;
      if (known === undefined) return;
      values.push(known);
    }
    const record = this.data.get(output.dataId);
    if (!record || record.constant !== undefined) return;
    const value = arithmetic(values[0] as number, values[1] as number, output.dtype === 'int32');
    record.constant = output.dtype === 'float32' ? Math.fround(value) : value | 0;
  }
}

/** The elementwise kernels whose known inputs give a known output (see propagateKnownValue). */
const KNOWN_VALUE_ARITHMETIC: Readonly<Record<string, (a: number, b: number, int32: boolean) => number>> = {
  [k.Add]: (a, b) => a + b,
  [k.Sub]: (a, b) => a - b,
  [k.Mul]: (a, b, int32) => (int32 ? Math.imul(a, b) : a * b),
  [k.Div]: (a, b) => a / b,
  [k.Neg]: (a) => -a,
};

/**
 * Objects that hold tensors (such as a QuantTensor) expose them under this symbol, so that
 * returning one from `tidy` keeps its tensors alive.
 */
export const TENSOR_CONTAINER = Symbol.for('parvus.tensorContainer');

export interface TensorContainer {
  [TENSOR_CONTAINER](): readonly Tensor[];
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) {
    into.add(value);
  } else if (value !== null && typeof value === 'object' && TENSOR_CONTAINER in value) {
    for (const t of (value as TensorContainer)[TENSOR_CONTAINER]()) into.add(t);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, into);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, into);
  } else if (value instanceof Map) {
    for (const item of value.values()) collectTensors(item, into);
  }
}

let theEngine: Engine | null = null;

/** The process-wide engine. */
export function engine(): Engine {
  theEngine ??= new Engine();
  return theEngine;
}
