/**
 * Fixture tensors as exact host values and as Parvus tensors. Floats are Python's repr of the
 * float32 value (the shortest repr round-tripping the widened double), so Math.fround restores
 * the float32 bit for bit; 'NaN' and '±Infinity' are strings; `b64` is float32 little-endian;
 * int64 values are checked to fit int32, the widest integer type of the kernel contract.
 */
import type { DType, Tensor, TypedArray } from '@parvus/core';
import { IntQuantTensor, tensor } from '@parvus/core';
import type { FixtureQuantTensor, FixtureTensor, FixtureValue } from './fixtures.js';

/** A decoded tensor: shape, the Parvus dtype and exact values. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: TypedArray;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function floatOf(v: number | string | boolean, where: string): number {
  if (typeof v === 'number') return Math.fround(v);
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`${where}: ${JSON.stringify(v)} is not a float32 value`);
}

function decodeBase64Float32(b64: string, count: number, where: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 4 * count) throw new Error(`${where}: ${bytes.length} base64 bytes for ${count} float32 values`);
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** Decode a fixture tensor `T` exactly. */
export function decodeTensor(t: FixtureTensor, where = 'tensor'): HostTensor {
  const count = sizeOf(t.shape);
  if (t.b64 !== undefined) {
    if (t.dtype !== 'float32') throw new Error(`${where}: b64 data must be float32, got ${t.dtype}`);
    return { shape: t.shape, dtype: 'float32', values: decodeBase64Float32(t.b64, count, where) };
  }
  const data = t.data;
  if (!data) throw new Error(`${where}: neither data nor b64`);
  if (data.length !== count) throw new Error(`${where}: ${data.length} values for shape [${t.shape.join(', ')}]`);
  if (t.dtype === 'float32') return { shape: t.shape, dtype: 'float32', values: Float32Array.from(data, (v) => floatOf(v, where)) };
  if (t.dtype === 'int64') {
    const values = Int32Array.from(data, (v) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${where}: ${JSON.stringify(v)} is not an integer`);
      if (v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`${where}: int64 value ${v} does not fit int32`);
      return v;
    });
    return { shape: t.shape, dtype: 'int32', values };
  }
  if (t.dtype === 'bool') return { shape: t.shape, dtype: 'bool', values: Uint8Array.from(data, (v) => (v === true || v === 1 ? 1 : 0)) };
  throw new Error(`${where}: unknown dtype ${String((t as { dtype: unknown }).dtype)}`);
}

/** A fresh Parvus tensor holding the fixture tensor's values. */
export function toTensor(t: FixtureTensor, where?: string): Tensor {
  const host = decodeTensor(t, where);
  return tensor(host.values, host.shape, host.dtype);
}

export function isQuantTensorValue(v: FixtureValue | FixtureTensor): v is FixtureQuantTensor {
  return (v as { kind?: string }).kind === 'IntQuantTensor';
}

/** A fixture value `Q` as Parvus sees it: a Tensor or an IntQuantTensor. */
export function toValue(v: FixtureValue | FixtureTensor, where = 'value'): Tensor | IntQuantTensor {
  if (!isQuantTensorValue(v)) return toTensor(v, where);
  return new IntQuantTensor(
    toTensor(v.value, `${where}.value`),
    toTensor(v.scale, `${where}.scale`),
    toTensor(v.zero_point, `${where}.zero_point`),
    toTensor(v.bit_width, `${where}.bit_width`),
    v.signed,
    v.training,
  );
}

/** Free the tensors of a value made by `toValue`. */
export function disposeValue(v: Tensor | IntQuantTensor | null | undefined): void {
  v?.dispose();
}
