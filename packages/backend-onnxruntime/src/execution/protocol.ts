/**
 * What the backend asks of the code that owns onnxruntime (the host, src/execution/ort-host.ts),
 * in the thread that owns it or in a worker thread. Storage and sessions are named by numbers the
 * backend chooses, so that it never waits for an answer to go on: commands are executed in the
 * order they are submitted, and only reads answer.
 */
import type { DType, TypedArray } from '@parvus/core';

/** Store host values under `id`. */
export interface WriteCommand {
  op: 'write';
  id: number;
  dtype: DType;
  shape: readonly number[];
  values: TypedArray;
}

/** Create session `id` from a serialized model (or record why its graph could not be built). */
export interface SessionCommand {
  op: 'session';
  id: number;
  kernelName: string;
  model: Uint8Array | null;
  /** Why the model could not be built; runs of the session fail with it. */
  error?: string;
  /** Nodes pinned to onnxruntime's CPU provider (WebGPU only). */
  cpuNodes?: readonly string[];
}

/** Run a session on stored inputs (seen with the given shapes) into new storage. */
export interface RunCommand {
  op: 'run';
  session: number;
  inputs: readonly number[];
  inputShapes: ReadonlyArray<readonly number[]>;
  outputs: readonly number[];
  outputShapes: ReadonlyArray<readonly number[]>;
}

/**
 * Run a host kernel (src/execution/host-kernels.ts) on the values of stored inputs: for the few
 * kernels ONNX cannot express exactly (KthValue's tie order is torch's quickselect).
 */
export interface HostRunCommand {
  op: 'host';
  kernelName: string;
  attrs: Record<string, unknown>;
  inputs: readonly number[];
  inputShapes: ReadonlyArray<readonly number[]>;
  outputs: readonly number[];
  outputShapes: ReadonlyArray<readonly number[]>;
}

/** Release storage `id` (after every command submitted before). */
export interface FreeCommand {
  op: 'free';
  id: number;
}

export type Command = WriteCommand | SessionCommand | RunCommand | HostRunCommand | FreeCommand;

/**
 * Why storage has no values: the first kernel that failed (`kernelName`), the full message of the
 * kernel that failed to produce this storage, the first kernel's reason, and the underlying error.
 */
export interface Failure {
  kernelName: string;
  message: string;
  reason: string;
  cause?: string;
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as { parvusFailure?: boolean }).parvusFailure === true;
}

export function failure(kernelName: string, message: string, reason: string, cause?: string): Failure {
  const f: Failure & { parvusFailure: true } = { parvusFailure: true, kernelName, message, reason };
  if (cause !== undefined) f.cause = cause;
  return f;
}

/** A fresh array of `dtype` holding `values` (bool as 0/1 bytes): the caller owns what a read returns. */
export function typedCopy(values: ArrayLike<number | bigint | boolean>, dtype: DType, size: number): TypedArray {
  if (values.length !== size) throw new Error(`expected ${size} values, onnxruntime returned ${values.length}`);
  switch (dtype) {
    case 'float32': return values instanceof Float32Array ? values.slice() : Float32Array.from(values as ArrayLike<number>);
    case 'int32': return values instanceof Int32Array ? values.slice() : Int32Array.from(values as ArrayLike<number>);
    case 'bool': return values instanceof Uint8Array ? values.slice() : Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
