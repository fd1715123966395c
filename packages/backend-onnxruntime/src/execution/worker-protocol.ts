/**
 * The messages between the backend (main thread) and its worker thread (ort-worker.ts), and the
 * layout of the shared memory they use. Commands go in batches (arrays of messages), never
 * waiting for an answer; the worker counts what it has done in `control`, so the backend knows
 * whether it is idle. A synchronous read blocks (Atomics.wait) on the state word of a shared
 * buffer until the worker has written the values, or the failure, into it.
 */
import type { DType } from '@parvus/core';
import type { OnnxruntimeFlavour, RuntimeOptions } from '../runtime.js';
import type { Command, Failure } from './protocol.js';

export interface WorkerInit {
  flavour: OnnxruntimeFlavour;
  options: Pick<RuntimeOptions, 'numThreads' | 'wasmPaths'>;
  backendName: string;
  /** Int32 words: see CONTROL_*. */
  control: SharedArrayBuffer;
}

/** Answer to the init: the runtime is loaded, or why not. */
export type WorkerReady =
  | { ready: true; description: string }
  | { ready: false; name: string; message: string };

export type WorkerMessage =
  | Command
  | { op: 'read'; id: number; dtype: DType; size: number; request: number }
  | { op: 'readSync'; id: number; dtype: DType; size: number; buffer: SharedArrayBuffer }
  | { op: 'location'; id: number; request: number }
  | { op: 'flush'; request: number }
  | { op: 'dispose' };

/** An answer to a request: a value, or the Failure of the storage read, or an error message. */
export interface WorkerReply {
  request: number;
  value?: unknown;
  failure?: Failure;
  error?: string;
}

/** control[CONTROL_DONE]: messages the worker has handled (the backend counts those it posted). */
export const CONTROL_DONE = 0;
/** control[CONTROL_RUNS]: session.run calls. */
export const CONTROL_RUNS = 1;
/** control[CONTROL_DEAD]: 1 once the worker has stopped (a blocked read must not wait for it). */
export const CONTROL_DEAD = 2;
export const CONTROL_WORDS = 4;

/** Words at the head of a synchronous-read buffer; the values follow at SYNC_DATA_OFFSET bytes. */
export const SYNC_STATE = 0;
export const SYNC_BYTES = 1;
export const SYNC_DATA_OFFSET = 16;

export const SYNC_PENDING = 0;
export const SYNC_VALUES = 1;
/** The data holds a JSON Failure. */
export const SYNC_FAILURE = 2;
/** The data holds a JSON error message. */
export const SYNC_ERROR = 3;
