/**
 * The worker thread of WorkerExecutor (Node): loads onnxruntime, owns the host, and handles the
 * backend's batches of messages in order.
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import type { DType } from '@parvus/core';
import { loadRuntime } from '../runtime.js';
import { OrtHost } from './ort-host.js';
import { isFailure, messageOf, typedCopy } from './protocol.js';
import { SerialQueue } from './serial-queue.js';
import type { WorkerInit, WorkerMessage, WorkerReady, WorkerReply } from './worker-protocol.js';
import {
  CONTROL_DEAD,
  CONTROL_DONE,
  CONTROL_RUNS,
  SYNC_BYTES,
  SYNC_DATA_OFFSET,
  SYNC_ERROR,
  SYNC_FAILURE,
  SYNC_STATE,
  SYNC_VALUES,
} from './worker-protocol.js';

if (!parentPort) throw new Error('ort-worker.js runs in a worker thread');
const port: MessagePort = parentPort;
const init = workerData as WorkerInit;
const control = new Int32Array(init.control);

function markDead(): void {
  Atomics.store(control, CONTROL_DEAD, 1);
  Atomics.notify(control, CONTROL_DEAD);
}
process.on('exit', markDead);

let host: OrtHost;
try {
  const runtime = await loadRuntime(init.flavour, init.options);
  host = new OrtHost(runtime, init.backendName);
  port.postMessage({ ready: true, description: `${runtime.description} in a worker thread` } satisfies WorkerReady);
} catch (error) {
  port.postMessage({ ready: false, name: (error as Error).name ?? 'Error', message: messageOf(error) } satisfies WorkerReady);
  process.exit(0);
}

const queue = new SerialQueue();
let runsSeen = 0;

/** Count a handled message, and publish the run counter. */
function done(): void {
  if (host.runs !== runsSeen) {
    runsSeen = host.runs;
    Atomics.store(control, CONTROL_RUNS, runsSeen);
  }
  Atomics.add(control, CONTROL_DONE, 1);
}

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

function replyError(request: number, error: unknown): void {
  reply(isFailure(error) ? { request, failure: error } : { request, error: messageOf(error) });
}

/** `values` as a typed array of `dtype`, without a copy where it already is one. */
function asTyped(values: ArrayLike<number>, dtype: DType, size: number): ArrayBufferView {
  const ok = dtype === 'float32' ? values instanceof Float32Array : dtype === 'int32' ? values instanceof Int32Array : values instanceof Uint8Array;
  return ok && values.length === size ? (values as unknown as ArrayBufferView) : typedCopy(values, dtype, size);
}

function writeSync(buffer: SharedArrayBuffer, state: number, bytes: Uint8Array): void {
  const header = new Int32Array(buffer, 0, SYNC_DATA_OFFSET / 4);
  const room = buffer.byteLength - SYNC_DATA_OFFSET;
  const length = Math.min(bytes.byteLength, room);
  new Uint8Array(buffer, SYNC_DATA_OFFSET, length).set(bytes.subarray(0, length));
  header[SYNC_BYTES] = length;
  Atomics.store(header, SYNC_STATE, state);
  Atomics.notify(header, SYNC_STATE);
}

function writeSyncError(buffer: SharedArrayBuffer, error: unknown): void {
  const state = isFailure(error) ? SYNC_FAILURE : SYNC_ERROR;
  writeSync(buffer, state, new TextEncoder().encode(JSON.stringify(isFailure(error) ? error : messageOf(error))));
}

/** Call `then` with the (possibly pending) values of `get`, `fail` with what it threw. */
function settle<T>(get: () => T | Promise<T>, then: (value: T) => void, fail: (error: unknown) => void): void | Promise<void> {
  try {
    const value = get();
    if (value instanceof Promise) return value.then(then, fail);
    then(value);
  } catch (error) {
    fail(error);
  }
}

function handle(message: WorkerMessage): void | Promise<void> {
  switch (message.op) {
    case 'write':
    case 'session':
    case 'run':
    case 'host':
    case 'free':
      return host.execute(message);
    case 'read': {
      const { id, dtype, size, request } = message;
      return settle(() => host.values(id), (values) => reply({ request, value: asTyped(values, dtype, size) }), (error) => replyError(request, error));
    }
    case 'readSync': {
      const { id, dtype, size, buffer } = message;
      return settle(
        () => host.values(id),
        (values) => {
          const typed = asTyped(values, dtype, size);
          if (typed.byteLength > buffer.byteLength - SYNC_DATA_OFFSET) throw new Error('the read buffer is too small');
          writeSync(buffer, SYNC_VALUES, new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
        },
        (error) => writeSyncError(buffer, error),
      );
    }
    case 'location': {
      const { id, request } = message;
      return settle(() => host.location(id), (value) => reply({ request, value }), (error) => replyError(request, error));
    }
    case 'flush':
      reply({ request: message.request });
      return;
    case 'dispose':
      return host.release().finally(() => process.exit(0));
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
}

port.on('message', (batch: WorkerMessage[]) => queueBatch(batch));

/** Queue a batch in order (its synchronous commands run as they are queued). */
function queueBatch(batch: WorkerMessage[]): void {
  for (const message of batch) {
    queue.push(() => {
      let result: void | Promise<void> = undefined;
      try {
        result = handle(message);
      } catch (error) {
        // The host records kernel failures as data; anything else is a bug worth seeing.
        if (message.op === 'readSync') writeSyncError(message.buffer, error);
        else if ('request' in message) replyError(message.request, error);
        else console.error('@parvus/backend-onnxruntime worker:', error);
      }
      if (result instanceof Promise) return result.finally(done);
      done();
      return undefined;
    });
  }
}
