/**
 * Engine behaviour that depends on the backend honouring its storage contract: errors that name the
 * kernel and the backend, `tidy` freeing intermediates (down to the backend's storage), reshape as a
 * view, exact write/read round trips, and storage accounting.
 */
import type { Backend, DType, Tensor, TypedArray } from '@parvus/core';
import {
  KERNEL_SPECIFICATION_VERSION, KernelError, add, engine, kernels, memory, mul, reshape, tensor, tidy,
} from '@parvus/core';
import { expect } from 'vitest';
import type { Suite } from './suite.js';

/** The backend's own count of live storage blocks, or null when it says its figures are estimates. */
function backendDataIds(backend: Backend): number | null {
  const info = backend.memory();
  return info.unreliable ? null : info.numDataIds;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but the call returned normally');
}

const ROUND_TRIP: Array<[DType, TypedArray]> = [
  ['float32', Float32Array.from([0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, -1e-38])],
  ['int32', Int32Array.from([0, 1, -1, 2147483647, -2147483648, 123456789])],
  ['bool', Uint8Array.from([0, 1, 1, 0, 1])],
];

export function registerEngineTests(suite: Suite): void {
  suite.test('Engine/unregistered-kernel-error', async ({ backendName }) => {
    const x = tensor([1, 2, 3]);
    try {
      const error = catchError(() => engine().runKernel('NoSuchKernel', [x]));
      expect(KernelError.isInstance(error), 'a KernelError').toBe(true);
      expect(String((error as Error).message)).toContain('NoSuchKernel');
      expect(String((error as Error).message)).toContain(backendName);
    } finally {
      x.dispose();
    }
  });

  suite.test('Engine/kernel-error-names-kernel-and-backend', async ({ backendName }) => {
    // Inner dimensions 3 and 4 differ: the MatMul kernel must refuse (core's matmul checks this
    // before dispatch, so only a direct runKernel reaches the kernel with it).
    const a = tensor(new Float32Array(6), [2, 3]);
    const b = tensor(new Float32Array(20), [4, 5]);
    try {
      const before = memory().numTensors;
      const error = catchError(() => engine().runKernel(kernels.MatMul, [a, b], { transposeA: false, transposeB: false }));
      const message = error instanceof Error ? error.message : String(error);
      expect(message, 'the error names the kernel').toContain('MatMul');
      expect(message, 'the error names the backend').toContain(backendName);
      expect(memory().numTensors, 'a failed kernel leaves no tensor behind').toBe(before);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  suite.test('Engine/tidy-frees-intermediates', async ({ backend }) => {
    const before = memory();
    const backendBefore = backendDataIds(backend);
    const result = tidy(() => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      const y = add(x, 1);
      const inner = tidy(() => mul(add(y, y), y));
      return { kept: add(inner, x), dropped: undefined };
    });
    const during = memory();
    expect(during.numTensors - before.numTensors, 'only the returned tensor survives').toBe(1);
    expect(during.numDataIds - before.numDataIds, 'only its storage survives').toBe(1);
    if (backendBefore !== null) expect(backendDataIds(backend)! - backendBefore, "the backend's storage blocks").toBe(1);
    const values = await result.kept.data();
    // Written out: 2·(x + 1)² + x, exact in float32.
    expect(Array.from(values)).toEqual([9, 20, 35, 54]);
    result.kept.dispose();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataIds).toBe(before.numDataIds);
    expect(after.numBytes).toBe(before.numBytes);
    if (backendBefore !== null) expect(backendDataIds(backend), 'the backend freed every block').toBe(backendBefore);
  });

  suite.test('Engine/reshape-shares-storage', async ({ backend }) => {
    const before = memory();
    const backendBefore = backendDataIds(backend);
    const x = tensor(Float32Array.from([1, -0, NaN, 4, 5, 6]), [2, 3]);
    const y = reshape(x, [3, 1, 2]);
    try {
      expect(y.dataId, 'reshape is a view over the same storage').toBe(x.dataId);
      expect(memory().numDataIds - before.numDataIds).toBe(1);
      if (backendBefore !== null) expect(backendDataIds(backend)! - backendBefore, 'reshape allocates nothing on the backend').toBe(1);
      x.dispose();
      const values = Array.from(await y.data());
      expect(values, 'the view outlives the original').toEqual([1, -0, NaN, 4, 5, 6]);
    } finally {
      x.dispose();
      y.dispose();
    }
    expect(memory().numDataIds).toBe(before.numDataIds);
    if (backendBefore !== null) expect(backendDataIds(backend), 'the storage is freed with its last view').toBe(backendBefore);
  });

  suite.test('Backend/specification-version', ({ backend }) => {
    expect(Math.floor(backend.specificationVersion)).toBe(KERNEL_SPECIFICATION_VERSION);
  });

  suite.test('Backend/name-matches-registration', ({ backend, backendName }) => {
    // The engine looks kernels up by the instance's name.
    expect(backend.name).toBe(backendName);
  });

  suite.test('Backend/write-read-round-trip', async ({ backend }) => {
    for (const [dtype, values] of ROUND_TRIP) {
      const t = tensor(values.slice(), [values.length]);
      try {
        expect(t.dtype).toBe(dtype);
        const back = await t.data();
        expect(back.constructor, `${dtype} reads back as its typed array`).toBe(values.constructor);
        expect(Array.from(back), `${dtype} values round-trip exactly`).toEqual(Array.from(values));
        if (backend.readSync) expect(Array.from(t.dataSync()), `${dtype} readSync agrees with read`).toEqual(Array.from(values));
      } finally {
        t.dispose();
      }
    }
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const empty = engine().makeTensor(dtype === 'float32' ? new Float32Array(0) : dtype === 'int32' ? new Int32Array(0) : new Uint8Array(0), [3, 0], dtype);
      try {
        expect((await empty.data()).length, `an empty ${dtype} tensor`).toBe(0);
      } finally {
        empty.dispose();
      }
    }
  });

  suite.test('Backend/read-returns-a-copy', async () => {
    // tensor.data() is documented as a copy: writing into it must not change the tensor.
    const t = tensor([1, 2, 3]);
    try {
      const first = await t.data();
      first[0] = 99;
      expect(Array.from(await t.data())).toEqual([1, 2, 3]);
    } finally {
      t.dispose();
    }
  });

  suite.test('Backend/memory-accounting', ({ backend, skip }) => {
    const info = backend.memory();
    if (info.unreliable) skip('the backend reports its memory figures as estimates');
    const tensors: Tensor[] = [];
    for (let i = 0; i < 5; i++) tensors.push(tensor(new Float32Array(1000 + i), [1000 + i]));
    const during = backend.memory();
    expect(during.numDataIds - info.numDataIds, 'one block per tensor').toBe(5);
    expect(during.numBytes - info.numBytes, 'at least 4 bytes per float32').toBeGreaterThanOrEqual(4 * (5 * 1000 + 10));
    for (const t of tensors) t.dispose();
    const after = backend.memory();
    expect(after.numDataIds).toBe(info.numDataIds);
    expect(after.numBytes).toBe(info.numBytes);
  });
}
