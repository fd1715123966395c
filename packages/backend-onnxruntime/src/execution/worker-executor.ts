/**
 * Node: onnxruntime runs in a worker thread that owns the sessions and tensors (ort-worker.ts).
 * Commands are posted without waiting, in batches: at once while the worker is idle, else when
 * BATCH_SIZE have gathered or when this thread next yields. `read` posts a request and awaits the
 * reply; `readSync` posts one and blocks with Atomics.wait on a SharedArrayBuffer until the worker
 * has written the values there: the synchronous read that onnxruntime's promise-based API cannot
 * give in one thread. Browsers cannot block their main thread, so they run the host in-thread.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type { DType, TypedArray } from '@parvus/core';
import { bytesPerElement, typedArrayFor } from '@parvus/core';
import type { OnnxruntimeFlavour, RuntimeOptions } from '../runtime.js';
import { RuntimeUnavailableError, nodeBuiltin } from '../runtime.js';
import type { Executor, FailureToError } from './executor.js';
import type { Command, Failure } from './protocol.js';
import type { WorkerInit, WorkerMessage, WorkerReady, WorkerReply } from './worker-protocol.js';
import {
  CONTROL_DEAD,
  CONTROL_DONE,
  CONTROL_RUNS,
  CONTROL_WORDS,
  SYNC_BYTES,
  SYNC_DATA_OFFSET,
  SYNC_ERROR,
  SYNC_FAILURE,
  SYNC_PENDING,
  SYNC_STATE,
} from './worker-protocol.js';

/** Messages gathered before they are posted while the worker is busy. */
const BATCH_SIZE = 32;
/** The smallest synchronous-read buffer (room for an error message). */
const MIN_SYNC_BYTES = 1 << 16;

/**
 * The worker's entry: dist/execution/ort-worker.js beside this module. Run from the TypeScript
 * sources (tests), the built worker is used: a worker thread does not go through the test runner's
 * transform (`pnpm build` first; turbo's test task depends on build).
 */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../dist/execution/ort-worker.js', here);
  return new URL('./ort-worker.js', here);
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class WorkerExecutor implements Executor {
  readonly readSync: (id: number, dtype: DType, size: number) => TypedArray;
  private pending: WorkerMessage[] = [];
  private posted = 0;
  private flushScheduled = false;
  private readonly requests = new Map<number, Pending>();
  private nextRequest = 1;
  private syncBuffer = new SharedArrayBuffer(MIN_SYNC_BYTES);
  private stopped: Error | null = null;
  private disposed = false;

  /** Start the worker and load onnxruntime in it. */
  static async start(flavour: OnnxruntimeFlavour, options: RuntimeOptions, backendName: string, toError: FailureToError): Promise<WorkerExecutor> {
    const threads = nodeBuiltin<typeof WorkerThreads>('node:worker_threads');
    if (!threads) throw new RuntimeUnavailableError('worker threads need Node');
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const workerData: WorkerInit = {
      flavour,
      options: {
        ...(options.numThreads !== undefined ? { numThreads: options.numThreads } : {}),
        ...(options.wasmPaths !== undefined ? { wasmPaths: options.wasmPaths } : {}),
      },
      backendName,
      control,
    };
    const url = workerUrl();
    const fs = nodeBuiltin<{ existsSync(path: URL): boolean }>('node:fs');
    if (fs && !fs.existsSync(url)) {
      throw new Error(`the onnxruntime worker thread's module ${url.pathname} does not exist: build @parvus/backend-onnxruntime first (pnpm build)`);
    }
    const worker = new threads.Worker(url, { workerData });
    const ready = await new Promise<WorkerReady>((resolve, reject) => {
      const onExit = (code: number): void => reject(new Error(`the onnxruntime worker thread exited (code ${code}) before it was ready`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: WorkerReady) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve(message);
      });
    });
    if (!ready.ready) {
      await worker.terminate();
      const error = ready.name === 'RuntimeUnavailableError' ? new RuntimeUnavailableError(ready.message) : new Error(ready.message);
      throw error;
    }
    return new WorkerExecutor(flavour, ready.description, worker, new Int32Array(control), toError);
  }

  private constructor(
    readonly flavour: OnnxruntimeFlavour,
    readonly description: string,
    private readonly worker: WorkerThreads.Worker,
    private readonly control: Int32Array,
    private readonly toError: FailureToError,
  ) {
    this.readSync = (id, dtype, size) => this.readNow(id, dtype, size);
    // The worker keeps the process alive only while a reply is awaited.
    worker.unref();
    worker.on('message', (message: WorkerReply) => this.onReply(message));
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`the onnxruntime worker thread exited (code ${code})`)));
  }

  submit(command: Command): void {
    // Posting a view clones its whole buffer: post only the viewed values.
    if (command.op === 'write' && command.values.byteLength !== command.values.buffer.byteLength) {
      this.post({ ...command, values: command.values.slice() });
      return;
    }
    this.post(command);
  }

  read(id: number, dtype: DType, size: number): Promise<TypedArray> {
    return this.request((request) => ({ op: 'read', id, dtype, size, request })) as Promise<TypedArray>;
  }

  location(id: number): Promise<string> {
    return this.request((request) => ({ op: 'location', id, request })) as Promise<string>;
  }

  async flush(): Promise<void> {
    await this.request((request) => ({ op: 'flush', request }));
  }

  runs(): number {
    return Atomics.load(this.control, CONTROL_RUNS);
  }

  afterWarmUp(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.stopped) return;
    this.post({ op: 'dispose' });
    this.flushNow();
  }

  private readNow(id: number, dtype: DType, size: number): TypedArray {
    if (this.stopped) throw this.stopped;
    const bytes = size * bytesPerElement(dtype);
    if (this.syncBuffer.byteLength < SYNC_DATA_OFFSET + bytes) {
      this.syncBuffer = new SharedArrayBuffer(Math.max(SYNC_DATA_OFFSET + bytes, 2 * this.syncBuffer.byteLength));
    }
    const buffer = this.syncBuffer;
    const header = new Int32Array(buffer, 0, SYNC_DATA_OFFSET / 4);
    Atomics.store(header, SYNC_STATE, SYNC_PENDING);
    this.post({ op: 'readSync', id, dtype, size, buffer });
    this.flushNow();
    while (Atomics.load(header, SYNC_STATE) === SYNC_PENDING) {
      Atomics.wait(header, SYNC_STATE, SYNC_PENDING, 1000);
      if (Atomics.load(header, SYNC_STATE) === SYNC_PENDING && Atomics.load(this.control, CONTROL_DEAD) === 1) {
        throw new Error('the onnxruntime worker thread stopped before it answered a synchronous read');
      }
    }
    const state = Atomics.load(header, SYNC_STATE);
    const length = header[SYNC_BYTES] as number;
    const data = new Uint8Array(buffer, SYNC_DATA_OFFSET, length);
    if (state === SYNC_FAILURE || state === SYNC_ERROR) {
      const parsed = JSON.parse(new TextDecoder().decode(data.slice())) as Failure | string;
      throw state === SYNC_FAILURE ? this.toError(parsed as Failure) : new Error(parsed as string);
    }
    const out = typedArrayFor(dtype, size);
    new Uint8Array(out.buffer).set(data);
    return out;
  }

  private request(message: (request: number) => WorkerMessage): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const request = this.nextRequest++;
    const promise = new Promise<unknown>((resolve, reject) => this.requests.set(request, { resolve, reject }));
    if (this.requests.size === 1) this.worker.ref();
    this.post(message(request));
    this.flushNow();
    return promise;
  }

  private onReply(message: WorkerReply): void {
    const pending = this.requests.get(message.request);
    if (!pending) return;
    this.requests.delete(message.request);
    if (this.requests.size === 0) this.worker.unref();
    if (message.failure) pending.reject(this.toError(message.failure));
    else if (message.error !== undefined) pending.reject(new Error(message.error));
    else pending.resolve(message.value);
  }

  private post(message: WorkerMessage): void {
    if (this.stopped) return;
    this.pending.push(message);
    // An idle worker gets the message at once; a busy one in batches.
    if (this.pending.length >= BATCH_SIZE || Atomics.load(this.control, CONTROL_DONE) === this.posted) {
      this.flushNow();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.flushNow();
      });
    }
  }

  private flushNow(): void {
    if (this.pending.length === 0 || this.stopped) return;
    const batch = this.pending;
    this.pending = [];
    this.posted += batch.length;
    this.worker.postMessage(batch);
  }

  private stop(error: Error): void {
    if (this.stopped) return;
    this.stopped = this.disposed ? new Error('the onnxruntime backend has been disposed') : error;
    for (const pending of this.requests.values()) pending.reject(this.stopped);
    this.requests.clear();
    this.worker.unref();
  }
}
