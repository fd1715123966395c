/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of
 * JSON header ({ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { string:
 * string } }, padded with spaces), then the raw little-endian, row-major tensor data, which the
 * tensors must cover exactly, without gaps or overlaps.
 *
 * Loading validates the whole header (and, for converted dtypes, every value) before it creates
 * a single tensor, so a bad file never half-loads nor allocates more than its own size.
 */
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { ParvusError } from '../errors/errors.js';
import type { DType, TypedArray } from '../kernels/tensor-info.js';
import { typedArrayFor } from '../kernels/tensor-info.js';
import { formatShape } from '../util/shape.js';

/** A safetensors file that cannot be read or written; the message says which part is wrong. */
export class SafetensorsError extends ParvusError {}

/** The header limit of the reference implementation (100 MB). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines (sub-byte types excluded). */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

/** What each readable file dtype becomes: exact widenings, or conversions checked value by value. */
const LOADED_AS: Readonly<Record<string, DType>> = {
  F32: 'float32', F16: 'float32', BF16: 'float32', F64: 'float32',
  I32: 'int32', I8: 'int32', U8: 'int32', I16: 'int32', U16: 'int32', U32: 'int32', I64: 'int32', U64: 'int32',
  BOOL: 'bool',
};

const SAVED_AS: Readonly<Record<DType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor as the header describes it. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** Tensors in header order. */
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Offset of the data section in the file (8 + header length). */
  dataStart: number;
}

export interface SafetensorsContents {
  /** The tensors, in header order. They are the caller's: dispose them (or load them inside a tidy). */
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

function fail(message: string): never {
  throw new SafetensorsError(`safetensors: ${message}`);
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Read the 8-byte little-endian header length, checking it against the limit and `fileSize`. */
export function readSafetensorsHeaderLength(prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.length < 8) fail(`the file is ${fileSize} bytes, too short for the 8-byte header length.`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    fail(`the header length ${length} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit (a corrupt or hostile file).`);
  }
  const n = Number(length);
  if (n > fileSize - 8) fail(`the header length ${n} runs past the end of the file (${fileSize} bytes).`);
  return n;
}

/** Parse and validate the header of a safetensors file (no tensor is created). */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) fail('expected the file contents as a Uint8Array.');
  const headerLength = readSafetensorsHeaderLength(bytes, bytes.length);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    fail('the header is not valid UTF-8.');
  }
  if (!text.startsWith('{')) fail(`the header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('the header must be a JSON object.');
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('__metadata__ must be an object of strings.');
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value '${key}' must be a string, got ${JSON.stringify(v)}.`);
      }
      metadata = Object.fromEntries(Object.entries(value as Record<string, string>));
      continue;
    }
    entries.push(parseEntry(name, value));
  }
  // The data must be covered exactly: sorted by offset, each tensor starts where the last ended.
  const sorted = [...entries].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  for (const entry of sorted) {
    const [begin, end] = entry.dataOffsets;
    if (begin < covered) fail(`tensor '${entry.name}' (data_offsets [${begin}, ${end}]) overlaps the tensor before it, which ends at ${covered}.`);
    if (begin > covered) fail(`the data has a gap: bytes ${covered}..${begin} belong to no tensor (next is '${entry.name}').`);
    covered = end;
  }
  if (covered > dataLength) fail(`the tensors need ${covered} bytes of data, but the file only has ${dataLength} after the header (truncated?).`);
  if (covered < dataLength) fail(`the data section has ${dataLength} bytes, but the tensors cover only ${covered} (trailing bytes).`);
  return { entries, metadata, dataStart };
}

function parseEntry(name: string, value: unknown): SafetensorsEntry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`the header entry '${name}' must be an object with dtype, shape and data_offsets.`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`tensor '${name}': dtype must be a string, got ${JSON.stringify(dtype)}.`);
  const bytesPer = DTYPE_BYTES[dtype];
  if (bytesPer === undefined) fail(`tensor '${name}': unknown dtype '${dtype}'.`);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeSafeInteger)) {
    fail(`tensor '${name}': shape must be an array of non-negative integers, got ${JSON.stringify(shape)}.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeSafeInteger)) {
    fail(`tensor '${name}': data_offsets must be [begin, end] in bytes, got ${JSON.stringify(offsets)}.`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`tensor '${name}': data_offsets [${begin}, ${end}] end before they begin.`);
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements * bytesPer)) fail(`tensor '${name}': shape ${formatShape(shape as number[])} is too large.`);
  }
  const bytes = elements * bytesPer;
  if (end - begin !== bytes) {
    fail(`tensor '${name}': shape ${formatShape(shape as number[])} of ${dtype} needs ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}.`);
  }
  return { name, dtype, shape: [...(shape as number[])], dataOffsets: [begin, end] };
}

/**
 * Check that an entry can be loaded as a Parvus dtype: supported, and (for narrowing
 * conversions) every value exact. Reads the data but allocates nothing.
 */
function checkLoadable(entry: SafetensorsEntry, data: DataView): void {
  const { name, dtype } = entry;
  if (LOADED_AS[dtype] === undefined) {
    fail(`tensor '${name}': dtype ${dtype} is not supported (readable: ${Object.keys(LOADED_AS).join(', ')}).`);
  }
  const [begin, end] = entry.dataOffsets;
  const inexact = (i: number, what: string): never =>
    fail(`tensor '${name}': ${dtype} element ${i} (${what}) has no exact ${LOADED_AS[dtype]} value; only exact conversions are done.`);
  switch (dtype) {
    case 'BOOL':
      for (let o = begin; o < end; o++) {
        const v = data.getUint8(o);
        if (v > 1) fail(`tensor '${name}': BOOL element ${o - begin} is ${v}, not 0 or 1.`);
      }
      break;
    case 'F64':
      for (let o = begin, i = 0; o < end; o += 8, i++) {
        const v = data.getFloat64(o, true);
        if (Math.fround(v) !== v && !Number.isNaN(v)) inexact(i, String(v));
      }
      break;
    case 'I64':
      for (let o = begin, i = 0; o < end; o += 8, i++) {
        const lo = data.getInt32(o, true);
        const hi = data.getInt32(o + 4, true);
        if (hi !== (lo < 0 ? -1 : 0)) inexact(i, String(data.getBigInt64(o, true)));
      }
      break;
    case 'U64':
      for (let o = begin, i = 0; o < end; o += 8, i++) {
        if (data.getUint32(o + 4, true) !== 0 || data.getInt32(o, true) < 0) inexact(i, String(data.getBigUint64(o, true)));
      }
      break;
    case 'U32':
      for (let o = begin, i = 0; o < end; o += 4, i++) {
        if (data.getInt32(o, true) < 0) inexact(i, String(data.getUint32(o, true)));
      }
      break;
    default:
      break;
  }
}

/** float16 bits → the (exactly representable) float32 value. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits → float32: the upper half of a float32. */
function bfloat16ToFloat(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

/** The values of a validated entry in its Parvus dtype. */
function decode(entry: SafetensorsEntry, bytes: Uint8Array, dataStart: number, data: DataView): TypedArray {
  const [begin, end] = entry.dataOffsets;
  const dtype = LOADED_AS[entry.dtype] as DType;
  const bytesPer = DTYPE_BYTES[entry.dtype] as number;
  const count = (end - begin) / bytesPer;
  const out = typedArrayFor(dtype, count);
  const sameLayout = entry.dtype === 'F32' || entry.dtype === 'I32' || entry.dtype === 'BOOL';
  if (sameLayout && (LITTLE_ENDIAN_HOST || bytesPer === 1)) {
    // A byte copy: bit-exact, NaN payloads and −0 included.
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes.subarray(dataStart + begin, dataStart + end));
    return out;
  }
  for (let i = 0, o = begin; i < count; i++, o += bytesPer) {
    switch (entry.dtype) {
      case 'F32': out[i] = data.getFloat32(o, true); break;
      case 'I32': out[i] = data.getInt32(o, true); break;
      case 'F64': out[i] = data.getFloat64(o, true); break;
      case 'F16': out[i] = halfToFloat(data.getUint16(o, true)); break;
      case 'BF16': out[i] = bfloat16ToFloat(data.getUint16(o, true)); break;
      case 'I8': out[i] = data.getInt8(o); break;
      case 'U8': out[i] = data.getUint8(o); break;
      case 'I16': out[i] = data.getInt16(o, true); break;
      case 'U16': out[i] = data.getUint16(o, true); break;
      case 'U32': out[i] = data.getUint32(o, true); break;
      case 'I64': case 'U64': out[i] = data.getInt32(o, true); break;
      default: fail(`tensor '${entry.name}': dtype ${entry.dtype} is not supported.`);
    }
  }
  return out;
}

/**
 * Read a safetensors file. F32, I32 and BOOL load as they are (bit-exact); F16, BF16, I8, U8,
 * I16 and U16 widen exactly; F64, I64, U32 and U64 load only when every value converts exactly.
 * Every check runs before the first tensor is created.
 */
export function loadSafetensors(bytes: Uint8Array): SafetensorsContents {
  const header = parseSafetensorsHeader(bytes);
  const data = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart, bytes.length - header.dataStart);
  for (const entry of header.entries) checkLoadable(entry, data);
  const tensors = new Map<string, Tensor>();
  const e = engine();
  try {
    for (const entry of header.entries) {
      const values = decode(entry, bytes, header.dataStart, data);
      tensors.set(entry.name, e.makeTensor(values, entry.shape, LOADED_AS[entry.dtype] as DType));
    }
  } catch (error) {
    for (const t of tensors.values()) t.dispose();
    throw error;
  }
  return { tensors, metadata: header.metadata };
}

type NamedTensors = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

function checkInputs(tensors: NamedTensors, metadata: Readonly<Record<string, string>>): Array<[string, Tensor]> {
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, Tensor>);
  for (const [name, t] of list) {
    if (name === '__metadata__') fail("a tensor cannot be named '__metadata__'.");
    if (!(t instanceof Tensor)) fail(`the entry '${name}' is not a Tensor.`);
    t.throwIfDisposed();
  }
  if (metadata === null || typeof metadata !== 'object') fail('metadata must be an object of strings.');
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') fail(`metadata value '${key}' must be a string, got ${typeof value}.`);
  }
  return list;
}

/** Raw little-endian bytes of host values. */
function bytesOf(values: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN_HOST || values.BYTES_PER_ELEMENT === 1) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (values instanceof Float32Array) view.setFloat32(i * 4, v, true);
    else view.setInt32(i * 4, v, true);
  });
  return out;
}

function assemble(list: Array<[string, Tensor]>, values: TypedArray[], metadata: Readonly<Record<string, string>>): Uint8Array {
  // Data in order of decreasing element size (stable), so wider types stay aligned, as the
  // reference writer does; the header lists the tensors in the caller's order.
  const order = list.map((_, i) => i).sort((a, b) => (values[b] as TypedArray).BYTES_PER_ELEMENT - (values[a] as TypedArray).BYTES_PER_ELEMENT || a - b);
  const offsets = new Array<[number, number]>(list.length);
  let offset = 0;
  for (const i of order) {
    const size = (values[i] as TypedArray).byteLength;
    offsets[i] = [offset, offset + size];
    offset += size;
  }
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  list.forEach(([name, t], i) => {
    header[name] = { dtype: SAVED_AS[t.dtype], shape: [...t.shape], data_offsets: offsets[i] };
  });
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (json.length % 8)) % 8;
  if (padding > 0) {
    const padded = new Uint8Array(json.length + padding).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const dataStart = 8 + json.length;
  list.forEach((_, i) => out.set(bytesOf(values[i] as TypedArray), dataStart + (offsets[i] as [number, number])[0]));
  return out;
}

/**
 * Serialise named tensors (a state dict) and string metadata as safetensors bytes. Reads the
 * tensors synchronously; use `saveSafetensorsAsync` on backends that cannot.
 */
export function saveSafetensors(tensors: NamedTensors, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const list = checkInputs(tensors, metadata);
  return assemble(list, list.map(([, t]) => t.dataSync()), metadata);
}

/** `saveSafetensors` reading the tensors asynchronously (any backend). */
export async function saveSafetensorsAsync(tensors: NamedTensors, metadata: Readonly<Record<string, string>> = {}): Promise<Uint8Array> {
  const list = checkInputs(tensors, metadata);
  const values = await Promise.all(list.map(([, t]) => t.data()));
  return assemble(list, values, metadata);
}
