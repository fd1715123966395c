/**
 * The choice between a WebAssembly SIMD kernel and its JavaScript fallback (gemm.ts, and fake
 * quantization in elementwise.ts): wasm by default where the runtime runs the module; an
 * environment variable (`PARVUS_REFERENCE_…=js|wasm`) or a setter picks one, so that tests can
 * run both.
 */

export type Implementation = 'js' | 'wasm';

export interface ImplementationSwitch {
  /** The implementation in use now. */
  get(): Implementation;
  /** Select one; 'wasm' throws where the module does not run. */
  set(which: Implementation): void;
}

/**
 * A switch for the kernels named `what` (in messages), read from the environment variable
 * `envVariable` at creation, whose wasm module runs where `wasmAvailable()`; `setter` names the
 * public function that calls `set`, for its error.
 */
export function implementationSwitch(envVariable: string, wasmAvailable: () => boolean, setter: string, what: string): ImplementationSwitch {
  /** undefined until the first use: wasm where available, unless the environment says otherwise. */
  let implementation = requested(envVariable);
  return {
    get() {
      implementation ??= wasmAvailable() ? 'wasm' : 'js';
      if (implementation === 'wasm' && !wasmAvailable()) implementation = 'js';
      return implementation;
    },
    set(which) {
      if (which === 'wasm' && !wasmAvailable()) {
        throw new Error(`${setter}('wasm'): this runtime does not run WebAssembly SIMD; the reference backend's ${what} stays in JavaScript.`);
      }
      implementation = which;
    },
  };
}

function requested(envVariable: string): Implementation | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[envVariable];
  if (env === undefined || env === '') return undefined;
  if (env === 'js' || env === 'wasm') return env;
  throw new Error(`${envVariable} is '${env}': expected 'js' or 'wasm'.`);
}
