// safetensors: bit-exact round trips, interoperable layout, and every malformed-file error
// raised before a tensor is created.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  ReLU,
  SAFETENSORS_MAX_HEADER_BYTES,
  SafetensorsError,
  Sequential,
  loadSafetensors,
  loadSafetensorsFile,
  memory,
  parseSafetensorsHeader,
  saveSafetensors,
  saveSafetensorsAsync,
  saveSafetensorsFile,
  tensor,
  tidy,
} from '@parvus/core';
import type { Tensor } from '@parvus/core';
import '@parvus/backend-reference';

/** A safetensors file from a header object (or raw header text) and data bytes. */
function file(header: unknown, data: ArrayLike<number> = [], headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function bytesOfFloats(values: number[]): number[] {
  return Array.from(new Uint8Array(new Float32Array(values).buffer));
}

function bits(t: Tensor): number[] {
  const v = t.dataSync();
  return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4));
}

/** Expect loading to fail with a SafetensorsError matching `pattern`, creating no tensor. */
function expectRejected(bytes: Uint8Array, pattern: RegExp): void {
  const before = memory().numTensors;
  let error: unknown;
  try {
    loadSafetensors(bytes);
  } catch (e) {
    error = e;
  }
  expect(SafetensorsError.isInstance(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
  expect(memory().numTensors).toBe(before);
}

describe('round trip', () => {
  it('is bit-exact for float32 (NaN payloads, −0, ±∞, subnormals), int32 and bool, with metadata', () => {
    const floatBits = new Uint32Array([0x7fc00001, 0xffc12345, 0x7f800001, 0x80000000, 0x00000001, 0x7f800000, 0xff800000, 0x3f800000]);
    const floats = tensor(new Float32Array(floatBits.buffer), [2, 4]);
    const ints = tensor(new Int32Array([-2147483648, 2147483647, 0, -1]), [4]);
    const flags = tensor([true, false, true], [3, 1], 'bool');
    const scalar = tensor(3.5);
    const empty = tensor(new Float32Array(0), [0, 3]);
    const metadata = { format: 'pt', note: 'ünïcødé ✓', empty: '' };
    const bytes = saveSafetensors(new Map([['w.float', floats], ['ints', ints], ['flags', flags], ['scalar', scalar], ['empty', empty]]), metadata);
    const { tensors, metadata: loadedMetadata } = loadSafetensors(bytes);
    expect(loadedMetadata).toEqual(metadata);
    expect([...tensors.keys()]).toEqual(['w.float', 'ints', 'flags', 'scalar', 'empty']);
    const w = tensors.get('w.float') as Tensor;
    expect(w.shape).toEqual([2, 4]);
    expect(w.dtype).toBe('float32');
    expect(bits(w)).toEqual(Array.from(floatBits));
    expect(Array.from((tensors.get('ints') as Tensor).dataSync())).toEqual([-2147483648, 2147483647, 0, -1]);
    expect((tensors.get('ints') as Tensor).dtype).toBe('int32');
    expect((tensors.get('flags') as Tensor).arraySync()).toEqual([[true], [false], [true]]);
    expect((tensors.get('scalar') as Tensor).shape).toEqual([]);
    expect((tensors.get('empty') as Tensor).shape).toEqual([0, 3]);
    // Saving what was loaded gives the same bytes.
    expect(saveSafetensors(tensors, metadata)).toEqual(bytes);
    for (const t of [...tensors.values(), floats, ints, flags, scalar, empty]) t.dispose();
  });

  it('writes the standard layout: u64 LE header length, 8-byte aligned JSON, wide dtypes first', () => {
    const a = tensor([true, false], [2], 'bool');
    const b = tensor([1.5, -2], [2]);
    const bytes = saveSafetensors({ a, b }, { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual(['__metadata__', 'a', 'b']);
    expect(header.__metadata__).toEqual({ k: 'v' });
    expect(header.b).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header.a).toEqual({ dtype: 'BOOL', shape: [2], data_offsets: [8, 10] });
    expect(Array.from(bytes.subarray(8 + n))).toEqual([...bytesOfFloats([1.5, -2]), 1, 0]);
    expect(parseSafetensorsHeader(bytes).entries.map((e) => e.name)).toEqual(['a', 'b']);
    a.dispose();
    b.dispose();
  });

  it('saves and restores a model state dict, sync, async and through files', async () => {
    const model = new Sequential(
      new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3 }),
      new BatchNorm2d({ numFeatures: 2 }),
      new ReLU(),
    );
    tidy(() => {
      model.forward(tensor(new Float32Array(50).map((_, i) => Math.sin(i)), [2, 1, 5, 5]));
    });
    const sd = model.stateDict();
    const bytes = saveSafetensors(sd, { epoch: '3' });
    expect(await saveSafetensorsAsync(sd, { epoch: '3' })).toEqual(bytes);
    const copy = new Sequential(
      new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3 }),
      new BatchNorm2d({ numFeatures: 2 }),
      new ReLU(),
    );
    const dir = await mkdtemp(join(tmpdir(), 'parvus-checkpoint-'));
    try {
      const path = join(dir, 'model.safetensors');
      await saveSafetensorsFile(path, sd, { epoch: '3' });
      expect(new Uint8Array(await readFile(path))).toEqual(bytes);
      const { tensors, metadata } = await loadSafetensorsFile(path);
      expect(metadata).toEqual({ epoch: '3' });
      copy.loadStateDict(tensors);
      for (const t of tensors.values()) t.dispose();
      for (const [name, t] of sd) expect(Array.from((copy.stateDict().get(name) as Tensor).dataSync())).toEqual(Array.from(t.dataSync()));
      expect(Array.from((copy.getBuffer('1.numBatchesTracked')).dataSync())).toEqual([1]);
      await writeFile(path, file({}, [], 5000n));
      await expect(loadSafetensorsFile(path)).rejects.toThrow(/header length 5000 runs past the end of the file \(10 bytes\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    model.dispose();
    copy.dispose();
  });

  it('reads what other writers produce: F16, BF16, I8, U8, I16, U16, U32, and exact F64/I64/U64', () => {
    const f16 = [0x3c00, 0xc000, 0x0001, 0x7c00, 0x8000]; // 1, −2, 2^−24, ∞, −0
    const bf16 = [0x3f80, 0xc040]; // 1, −3
    const data: number[] = [];
    const u16 = (v: number): void => void data.push(v & 0xff, v >> 8);
    f16.forEach(u16);
    bf16.forEach(u16);
    data.push(0xff, 0x80); // I8: −1, −128
    data.push(0xff, 0x00); // U8: 255, 0
    u16(0x8000); // I16: −32768
    u16(0xffff); // U16: 65535
    data.push(0xff, 0xff, 0xff, 0x7f); // U32: 2^31 − 1
    const f64 = new Uint8Array(new Float64Array([0.5, -1e30 * 0 + Math.fround(0.1)]).buffer);
    data.push(...f64);
    const i64 = new Uint8Array(new BigInt64Array([-5n, 2147483647n]).buffer);
    data.push(...i64);
    const u64 = new Uint8Array(new BigUint64Array([7n]).buffer);
    data.push(...u64);
    let offset = 0;
    const entry = (dtype: string, shape: number[], size: number): object => {
      const out = { dtype, shape, data_offsets: [offset, offset + size] };
      offset += size;
      return out;
    };
    const header = {
      h: entry('F16', [5], 10), b: entry('BF16', [2], 4), i8: entry('I8', [2], 2), u8: entry('U8', [2], 2),
      i16: entry('I16', [1], 2), u16: entry('U16', [1], 2), u32: entry('U32', [1], 4),
      f64: entry('F64', [2], 16), i64: entry('I64', [2], 16), u64: entry('U64', [], 8),
    };
    const { tensors } = loadSafetensors(file(header, data));
    const get = (name: string): number[] => Array.from((tensors.get(name) as Tensor).dataSync());
    expect(get('h')).toEqual([1, -2, 2 ** -24, Infinity, -0]);
    expect(Object.is(get('h')[4], -0)).toBe(true);
    expect(get('b')).toEqual([1, -3]);
    expect(get('i8')).toEqual([-1, -128]);
    expect(get('u8')).toEqual([255, 0]);
    expect(get('i16')).toEqual([-32768]);
    expect(get('u16')).toEqual([65535]);
    expect(get('u32')).toEqual([2147483647]);
    expect(get('f64')).toEqual([0.5, Math.fround(0.1)]);
    expect((tensors.get('f64') as Tensor).dtype).toBe('float32');
    expect(get('i64')).toEqual([-5, 2147483647]);
    expect((tensors.get('i64') as Tensor).dtype).toBe('int32');
    expect(get('u64')).toEqual([7]);
    for (const t of tensors.values()) t.dispose();
  });
});

describe('malformed files are rejected before any tensor is created', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const okData = bytesOfFloats([1, 2]);

  it('accepts the well-formed baseline', () => {
    const { tensors } = loadSafetensors(file(ok, okData));
    expect(Array.from((tensors.get('a') as Tensor).dataSync())).toEqual([1, 2]);
    (tensors.get('a') as Tensor).dispose();
  });

  it('truncated or oversized header lengths', () => {
    expectRejected(new Uint8Array(5), /the file is 5 bytes, too short for the 8-byte header length/);
    expectRejected(file(ok, okData, BigInt(SAFETENSORS_MAX_HEADER_BYTES + 1)), /header length 100000001 exceeds the 100000000-byte limit/);
    expectRejected(file(ok, okData, 2n ** 63n), /exceeds the 100000000-byte limit/);
    expectRejected(file(ok, okData, 1000n), /header length 1000 runs past the end of the file/);
    // The file cut inside the data.
    expectRejected(file(ok, okData).subarray(0, 8 + JSON.stringify(ok).length + 5), /the tensors need 8 bytes of data, but the file only has 5 after the header \(truncated\?\)/);
  });

  it('invalid header text', () => {
    expectRejected(file('{"a": {"dtype": "F32",'), /the header is not valid JSON/);
    expectRejected(file('[1, 2]'), /must be a JSON object starting with '\{'/);
    expectRejected(file('null'), /must be a JSON object starting with '\{'/);
    const badUtf8 = file('{"a":1}');
    badUtf8[10] = 0xff;
    expectRejected(badUtf8, /the header is not valid UTF-8/);
    expectRejected(file({ a: 'F32' }), /the header entry 'a' must be an object with dtype, shape and data_offsets/);
  });

  it('bad entries: dtype, shape, offsets, size', () => {
    expectRejected(file({ a: { dtype: 'F7', shape: [2], data_offsets: [0, 8] } }, okData), /tensor 'a': unknown dtype 'F7'/);
    expectRejected(file({ a: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, okData), /tensor 'a': dtype F8_E4M3 is not supported/);
    expectRejected(file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, okData), /tensor 'a': shape must be an array of non-negative integers, got \[-2\]/);
    expectRejected(file({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 8] } }, okData), /shape must be an array of non-negative integers/);
    expectRejected(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, okData), /data_offsets must be \[begin, end\] in bytes/);
    expectRejected(file({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, okData), /data_offsets \[8, 0\] end before they begin/);
    expectRejected(file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, okData), /tensor 'a': shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] span 8/);
    // A shape that would need a huge allocation is caught by the size check, not allocated.
    expectRejected(file({ a: { dtype: 'F32', shape: [100000, 100000, 100000], data_offsets: [0, 8] } }, okData), /needs 4000000000000000 bytes/);
    expectRejected(file({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, okData), /is too large/);
  });

  it('offsets that overlap, leave gaps, run out of range or leave trailing bytes', () => {
    const two = (a: [number, number], b: [number, number]): object => ({
      a: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a },
      b: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b },
    });
    const data = bytesOfFloats([1, 2, 3]);
    expectRejected(file(two([0, 8], [4, 12]), data), /tensor 'b' \(data_offsets \[4, 12\]\) overlaps the tensor before it, which ends at 8/);
    expectRejected(file(two([0, 4], [8, 12]), data), /the data has a gap: bytes 4\.\.8 belong to no tensor/);
    expectRejected(file(two([4, 8], [8, 12]), data), /the data has a gap: bytes 0\.\.4/);
    expectRejected(file(two([0, 4], [4, 16]), data), /the tensors need 16 bytes of data, but the file only has 12/);
    expectRejected(file(two([0, 4], [4, 8]), data), /the data section has 12 bytes, but the tensors cover only 8 \(trailing bytes\)/);
  });

  it('metadata that is not a string map', () => {
    expectRejected(file({ __metadata__: { epoch: 3 }, ...ok }, okData), /__metadata__ value 'epoch' must be a string, got 3/);
    expectRejected(file({ __metadata__: ['x'], ...ok }, okData), /__metadata__ must be an object of strings/);
  });

  it('values without an exact conversion, with nothing half-loaded', () => {
    const i64 = Array.from(new Uint8Array(new BigInt64Array([2147483648n]).buffer));
    const f64 = Array.from(new Uint8Array(new Float64Array([0.1]).buffer));
    // The valid F32 tensor comes first: it must not be created either.
    const header = (dtype: string): object => ({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype, shape: [1], data_offsets: [8, 16] },
    });
    expectRejected(file(header('I64'), [...okData, ...i64]), /tensor 'b': I64 element 0 \(2147483648\) has no exact int32 value/);
    expectRejected(file(header('F64'), [...okData, ...f64]), /tensor 'b': F64 element 0 \(0\.1\) has no exact float32 value/);
    expectRejected(file({ a: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [1, 2]), /tensor 'a': BOOL element 1 is 2, not 0 or 1/);
  });

  it('rejects bad inputs when saving', () => {
    const t = tensor([1]);
    expect(() => saveSafetensors({ __metadata__: t })).toThrow(/cannot be named '__metadata__'/);
    expect(() => saveSafetensors({ a: t }, { n: 3 as unknown as string })).toThrow(/metadata value 'n' must be a string/);
    t.dispose();
    expect(() => saveSafetensors({ a: t })).toThrow(/disposed/);
  });
});
