// The reference backend recycles the float32 outputs of disposed tensors; it must never recycle an
// array someone else can still see.
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../src/index.js';

const N = 4096;

describe('reference backend output pool', () => {
  it('reuses a disposed kernel output of the same length', () => {
    const b = new ReferenceBackend();
    const out = b.allocateFloat32(N);
    const info = b.output(out, [N], 'float32');
    b.disposeData(info.dataId);
    expect(b.allocateFloat32(N)).toBe(out);
    expect(b.allocateFloat32(N)).not.toBe(out);
  });

  it('never recycles arrays written by the user', () => {
    const b = new ReferenceBackend();
    const user = new Float32Array(N);
    const id = b.write(user, [N], 'float32');
    b.disposeData(id);
    expect(b.allocateFloat32(N)).not.toBe(user);
  });

  it('never recycles an array stored under two tensors', () => {
    const b = new ReferenceBackend();
    const out = b.allocateFloat32(N);
    const first = b.output(out, [N], 'float32');
    const second = b.output(out, [N], 'float32');
    b.disposeData(first.dataId);
    expect(b.allocateFloat32(N)).not.toBe(out);
    b.disposeData(second.dataId);
    expect(b.allocateFloat32(N)).not.toBe(out);
  });

  it('keeps small arrays out of the pool and reports only live bytes', () => {
    const b = new ReferenceBackend();
    const small = b.allocateFloat32(16);
    b.disposeData(b.output(small, [16], 'float32').dataId);
    expect(b.allocateFloat32(16)).not.toBe(small);
    expect(b.memory()).toEqual({ numBytes: 0, numDataIds: 0 });
  });
});
