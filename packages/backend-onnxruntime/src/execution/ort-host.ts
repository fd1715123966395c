/**
 * The side that owns onnxruntime: storage (onnxruntime tensors) and sessions, named by the
 * numbers the backend chose, and the execution of its commands. It runs in the backend's thread
 * (browsers, WebGPU) or in a worker thread (Node: src/execution/ort-worker.ts); it does not import
 * core, so that a worker loads only onnxruntime.
 *
 * Failures are data: a kernel that fails stores a Failure in place of each output, and kernels fed
 * by it store their own, naming the first kernel that failed. They surface when the storage is read.
 */
import type { DType } from '@parvus/core';
import type { InferenceSession, Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-common';
import type { OrtSession, Runtime } from '../runtime.js';
import type { HostOutput, HostTensor } from './host-kernels.js';
import { HOST_KERNELS } from './host-kernels.js';
import type { Command, Failure, HostRunCommand, RunCommand, SessionCommand, WriteCommand } from './protocol.js';
import { failure, isFailure, messageOf } from './protocol.js';

const ORT_TYPES = { float32: 'float32', int32: 'int32', bool: 'bool' } as const;
const DTYPES: Readonly<Record<string, DType>> = { float32: 'float32', int32: 'int32', bool: 'bool' };

interface SessionEntry {
  kernelName: string;
  /** The session, its pending creation, or why it could not be created. */
  state: OrtSession | Promise<unknown> | Failure;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class OrtHost {
  /** session.run calls made. */
  runs = 0;
  private readonly tensors = new Map<number, OrtTensor | Failure>();
  private readonly sessions = new Map<number, SessionEntry>();

  constructor(
    readonly runtime: Runtime,
    private readonly backendName: string,
  ) {}

  /** Execute one command; a promise where it must wait for onnxruntime (the caller keeps the order). */
  execute(command: Command): void | Promise<void> {
    switch (command.op) {
      case 'write': return this.write(command);
      case 'session': return this.createSession(command);
      case 'run': return this.run(command);
      case 'host': return this.hostRun(command);
      case 'free': return this.free(command.id);
    }
  }

  /**
   * The values of storage `id`, not copied (copy before handing them on), or a promise of them
   * (GPU buffers). Throws (or rejects with) the Failure of a storage whose kernel failed.
   */
  values(id: number): ArrayLike<number> | Promise<ArrayLike<number>> {
    const tensor = this.tensor(id);
    if (tensor.location === 'cpu' || tensor.location === 'cpu-pinned') return tensor.data as ArrayLike<number>;
    return tensor.getData() as Promise<ArrayLike<number>>;
  }

  /** Where storage `id` lives: 'cpu' (wasm, node) or 'gpu-buffer' (WebGPU). */
  location(id: number): string {
    return this.tensor(id).location;
  }

  /** Release every session and tensor (the host is not used afterwards). */
  async release(): Promise<void> {
    for (const id of [...this.tensors.keys()]) this.free(id);
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const entry of sessions) {
      try {
        const state = entry.state instanceof Promise ? await entry.state.then(() => entry.state) : entry.state;
        if (!isFailure(state)) await (state as OrtSession).release();
      } catch {
        // a session that failed to create has nothing to release
      }
    }
  }

  private tensor(id: number): OrtTensor {
    const tensor = this.tensors.get(id);
    if (tensor === undefined) throw new Error(`storage ${id} does not exist on the onnxruntime side (freed?)`);
    if (isFailure(tensor)) throw tensor;
    return tensor;
  }

  private write(command: WriteCommand): void {
    const ort = this.runtime.ort;
    this.tensors.set(command.id, new ort.Tensor(ORT_TYPES[command.dtype], command.values, command.shape));
  }

  private createSession(command: SessionCommand): void | Promise<void> {
    const entry: SessionEntry = { kernelName: command.kernelName, state: failure(command.kernelName, '', '') };
    this.sessions.set(command.id, entry);
    const fail = (error: unknown): void => {
      entry.state = this.failure(command.kernelName, `onnxruntime could not create its session: ${messageOf(error)}`, error);
    };
    if (command.model === null) {
      fail(new Error(command.error ?? 'no model'));
      return;
    }
    let options: InferenceSession.SessionOptions = this.runtime.sessionOptions;
    if (command.cpuNodes && command.cpuNodes.length > 0) {
      options = { ...options, executionProviders: [{ name: 'webgpu', forceCpuNodeNames: command.cpuNodes } as InferenceSession.ExecutionProviderConfig] };
    }
    let created: OrtSession | Promise<OrtSession>;
    try {
      created = this.runtime.createSession(command.model, options);
    } catch (error) {
      fail(error);
      return;
    }
    if (!(created instanceof Promise)) {
      entry.state = created;
      return;
    }
    // Later commands do not wait for the session: only its runs do.
    entry.state = created.then((session) => {
      entry.state = session;
    }, fail);
  }

  /**
   * The inputs of a run, seen with the shapes the command gives them (the engine's reshape is a
   * view: the same storage under another shape); null, with the outputs failed, when one of them
   * was not computed.
   */
  private inputsOf(command: RunCommand | HostRunCommand, kernelName: string, asViews = true): OrtTensor[] | null {
    const inputs: OrtTensor[] = [];
    for (let i = 0; i < command.inputs.length; i++) {
      const input = this.tensors.get(command.inputs[i] as number);
      if (input === undefined || isFailure(input)) {
        // Name the kernel that failed first, not the whole chain of kernels it starved.
        const root = input === undefined ? 'an earlier kernel' : input.kernelName;
        const reason = input === undefined ? 'its storage was freed' : input.reason;
        this.fail(command, failure(root, this.message(kernelName, `its input ${i} was not computed, because kernel '${root}' failed: ${reason}`), reason, input?.message));
        return null;
      }
      inputs.push(asViews ? this.withShape(input, command.inputShapes[i] as readonly number[]) : input);
    }
    return inputs;
  }

  private run(command: RunCommand): void | Promise<void> {
    const entry = this.sessions.get(command.session);
    if (!entry) throw new Error(`session ${command.session} does not exist on the onnxruntime side`);
    const { kernelName } = entry;
    const state = entry.state;
    // A session still being created: run once it is (the queue holds the commands behind this one).
    if (state instanceof Promise) return state.then(() => this.run(command));
    const feeds: Record<string, OrtTensor> = {};
    const inputs = this.inputsOf(command, kernelName);
    if (!inputs) return;
    if (isFailure(state)) {
      this.fail(command, state);
      return;
    }
    state.inputNames.forEach((name, i) => {
      feeds[name] = inputs[i] as OrtTensor;
    });
    let results: Record<string, OrtTensor> | Promise<Record<string, OrtTensor>>;
    this.runs++;
    try {
      results = state.run(feeds);
    } catch (error) {
      this.fail(command, this.failure(kernelName, `onnxruntime failed to run it: ${messageOf(error)}`, error));
      return;
    }
    if (results instanceof Promise) {
      return results.then(
        (r) => this.store(command, kernelName, state, r),
        (error: unknown) => this.fail(command, this.failure(kernelName, `onnxruntime failed to run it: ${messageOf(error)}`, error)),
      );
    }
    this.store(command, kernelName, state, results);
  }

  private store(command: RunCommand, kernelName: string, session: OrtSession, results: Record<string, OrtTensor>): void {
    const outputs = session.outputNames.map((name) => results[name] as OrtTensor);
    const wrong = outputs.findIndex((t, i) => !sameShape(t.dims, command.outputShapes[i] as readonly number[]));
    if (wrong >= 0) {
      if (this.runtime.outputsOnDevice) for (const t of outputs) t.dispose();
      const got = (outputs[wrong] as OrtTensor).dims;
      const expected = command.outputShapes[wrong] as readonly number[];
      this.fail(command, this.failure(kernelName, `output ${wrong} has shape [${got.join(', ')}], expected [${expected.join(', ')}]`));
      return;
    }
    command.outputs.forEach((id, i) => this.tensors.set(id, outputs[i] as OrtTensor));
  }

  private hostRun(command: HostRunCommand): void | Promise<void> {
    const { kernelName } = command;
    // The stored tensors themselves: a GPU view made by withShape cannot be downloaded.
    const inputs = this.inputsOf(command, kernelName, false);
    if (!inputs) return;
    const values = inputs.map((t) => (t.location === 'cpu' || t.location === 'cpu-pinned' ? (t.data as ArrayLike<number>) : (t.getData() as Promise<ArrayLike<number>>)));
    const compute = (data: ReadonlyArray<ArrayLike<number>>): void => {
      const kernel = HOST_KERNELS[kernelName];
      let outputs: HostOutput[];
      try {
        if (!kernel) throw new Error('no host kernel of that name');
        const tensors = data.map((v, i): HostTensor => ({ values: v, shape: command.inputShapes[i] as readonly number[], dtype: DTYPES[(inputs[i] as OrtTensor).type] ?? 'float32' }));
        outputs = kernel(tensors, command.attrs);
      } catch (error) {
        this.fail(command, this.failure(kernelName, `it failed on the host: ${messageOf(error)}`, error));
        return;
      }
      const ort = this.runtime.ort;
      command.outputs.forEach((id, i) => {
        const out = outputs[i] as HostOutput;
        this.tensors.set(id, new ort.Tensor(ORT_TYPES[out.dtype], out.values, out.shape));
      });
    };
    if (values.some((v) => v instanceof Promise)) {
      return Promise.all(values).then(compute, (error: unknown) => this.fail(command, this.failure(kernelName, `its inputs could not be read: ${messageOf(error)}`, error)));
    }
    compute(values as Array<ArrayLike<number>>);
  }

  private fail(command: RunCommand | HostRunCommand, why: Failure): void {
    for (const id of command.outputs) this.tensors.set(id, why);
  }

  private message(kernelName: string, what: string): string {
    return `Kernel '${kernelName}' failed on backend '${this.backendName}': ${what}`;
  }

  private failure(kernelName: string, what: string, cause?: unknown): Failure {
    return failure(kernelName, this.message(kernelName, what), what, cause === undefined ? undefined : messageOf(cause));
  }

  private free(id: number): void {
    const tensor = this.tensors.get(id);
    this.tensors.delete(id);
    // GPU buffers are freed explicitly. A tensor that was read reports location 'cpu' but still
    // holds its buffer until dispose().
    if (tensor !== undefined && !isFailure(tensor) && this.runtime.outputsOnDevice) tensor.dispose();
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
}
