/**
 * Where the backend's commands execute: in its own thread (InThreadExecutor) or in a worker
 * thread (WorkerExecutor, Node). Both keep the order of submission; reads answer with copies.
 */
import type { DType, TypedArray } from '@parvus/core';
import type { OnnxruntimeFlavour, Runtime } from '../runtime.js';
import type { Command, Failure } from './protocol.js';
import { isFailure, typedCopy } from './protocol.js';
import { OrtHost } from './ort-host.js';
import { SerialQueue } from './serial-queue.js';

export interface Executor {
  readonly flavour: OnnxruntimeFlavour;
  /** A human-readable description, e.g. 'onnxruntime-web (wasm, 1 thread) in a worker thread'. */
  readonly description: string;
  /** Execute `command` after every command submitted before it; nothing answers. */
  submit(command: Command): void;
  /** The values of storage `id` once the commands before have run (a copy the caller owns). */
  read(id: number, dtype: DType, size: number): Promise<TypedArray>;
  /** The same, blocking until they are computed; absent where the runtime cannot block. */
  readonly readSync?: (id: number, dtype: DType, size: number) => TypedArray;
  location(id: number): Promise<string>;
  /** Resolves once every command submitted so far has run. */
  flush(): Promise<void>;
  /** session.run calls made so far. */
  runs(): number;
  /** Called once the first session has run. */
  afterWarmUp(): void;
  dispose(): void;
}

/** Turns a Failure from the host into the error the caller sees. */
export type FailureToError = (failure: Failure) => Error;

/** Runs the host in this thread. Reads are synchronous where the runtime is (onnxruntime-node's binding). */
export class InThreadExecutor implements Executor {
  readonly flavour: OnnxruntimeFlavour;
  readonly description: string;
  readonly readSync?: (id: number, dtype: DType, size: number) => TypedArray;
  private readonly host: OrtHost;
  private readonly queue = new SerialQueue();

  constructor(
    private readonly runtime: Runtime,
    backendName: string,
    private readonly toError: FailureToError,
  ) {
    this.host = new OrtHost(runtime, backendName);
    this.flavour = runtime.flavour;
    this.description = runtime.description;
    if (runtime.synchronous) this.readSync = (id, dtype, size) => this.readNow(id, dtype, size);
  }

  submit(command: Command): void {
    this.queue.push(() => this.host.execute(command));
  }

  read(id: number, dtype: DType, size: number): Promise<TypedArray> {
    return this.enqueue(() => {
      const values = this.host.values(id);
      return values instanceof Promise ? values.then((v) => typedCopy(v, dtype, size)) : typedCopy(values, dtype, size);
    });
  }

  location(id: number): Promise<string> {
    return this.enqueue(() => this.host.location(id));
  }

  flush(): Promise<void> {
    return this.enqueue(() => undefined);
  }

  runs(): number {
    return this.host.runs;
  }

  afterWarmUp(): void {
    this.runtime.afterWarmUp?.();
  }

  dispose(): void {
    this.queue.push(() => this.host.release());
  }

  private readNow(id: number, dtype: DType, size: number): TypedArray {
    // A synchronous runtime has run every command already: its queue never waits.
    if (this.queue.busy) throw new Error('cannot read synchronously: commands are still pending');
    try {
      return typedCopy(this.host.values(id) as ArrayLike<number>, dtype, size);
    } catch (error) {
      throw isFailure(error) ? this.toError(error) : error;
    }
  }

  /** Run `task` in order; a Failure it throws becomes the caller's error. */
  private enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (error: unknown): void => reject(isFailure(error) ? this.toError(error) : error);
      this.queue.push(() => {
        try {
          const result = task();
          if (result instanceof Promise) return result.then(resolve, settle);
          resolve(result);
        } catch (error) {
          settle(error);
        }
        return undefined;
      });
    });
  }
}
