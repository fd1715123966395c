/**
 * Loading the package's WebAssembly SIMD modules (src/wasm/*.wat, held as base64 by the
 * generated src/wasm/*-module.ts): decoded and compiled synchronously on first use (browsers allow
 * that on the main thread up to 8 MB; the modules are a few KB), once per module.
 */

/** A module's exported memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Bytes in a page of wasm memory (the unit of `WasmMemory.grow`). */
export const PAGE_BYTES = 65536;

/** The part of the WebAssembly API used here (the packages compile without DOM types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Standard base64 (padding optional) to bytes, without relying on atob or Buffer. */
function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of clean) {
    value = (value << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * A loader for the module in `base64`: the first call instantiates it (with no imports) and runs
 * `setup` on its exports; every call returns those exports, or null where this runtime has no
 * WebAssembly, rejects the module (no SIMD) or `setup` throws.
 */
export function wasmModule<Exports>(base64: string, setup?: (exports: Exports) => void): () => Exports | null {
  /** undefined: not tried yet; null: unavailable here. */
  let instance: Exports | null | undefined;
  return () => {
    if (instance !== undefined) return instance;
    instance = null;
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (!api) return null;
    const bytes = decodeBase64(base64);
    try {
      if (!api.validate(bytes)) return null;
      const exports = new api.Instance(new api.Module(bytes), {}).exports as Exports;
      setup?.(exports);
      instance = exports;
    } catch {
      instance = null;
    }
    return instance;
  };
}
