/**
 * @parvus/backend-tfjs — Parvus kernels on TensorFlow.js. Importing this module registers the
 * kernels and these backends:
 *
 *   'tfjs'         the best tfjs backend that initialises here (tfjs-node, webgpu, webgl, wasm, cpu)
 *   'tfjs-wasm'    tfjs-backend-wasm (SIMD; the default in Node without tfjs-node)
 *   'tfjs-cpu'     tfjs-backend-cpu (plain JavaScript; initialises synchronously)
 *   'tfjs-node'    @tensorflow/tfjs-node, when installed (native TensorFlow)
 *   'tfjs-webgl', 'tfjs-webgpu'   @tensorflow/tfjs-backend-webgl / -webgpu, when installed
 *
 * They initialise asynchronously: `await setBackend('tfjs-wasm')` (or `await ready()`) first.
 */
import type { Backend, BackendFactory } from '@parvus/core';
import { BackendError, registerBackend } from '@parvus/core';
import { TfjsBackend } from './tfjs-backend.js';
import type { TfjsFlavour } from './tfjs-runtime.js';
import { TFJS_ALIAS, TFJS_FLAVOURS, initialiseTfjsBackend, initialiseTfjsBackendSync } from './tfjs-runtime.js';
import { probeSemantics, probeSemanticsSync } from './impl/semantics.js';
import './register-all-kernels.js';

export { TfjsBackend, TfjsDataId } from './tfjs-backend.js';
export type { TfjsBackendOptions } from './tfjs-backend.js';
export { tfjsKernelConfigs } from './register-all-kernels.js';
export { TFJS_ALIAS, TFJS_BACKEND_NAMES, TFJS_FLAVOURS, availableTfjsBackends, setWasmPaths } from './tfjs-runtime.js';
export type { TfjsFlavour } from './tfjs-runtime.js';
export type { TfjsSemantics } from './impl/semantics.js';
export { CONSERVATIVE as CONSERVATIVE_SEMANTICS, probeSemantics } from './impl/semantics.js';
export { wasmKernelsModuleBytes } from './impl/wasm-kernels.js';

/** Initialise `flavour`'s tfjs backend and wrap it as the Parvus backend `name`. */
async function createAsync(name: string, flavour: TfjsFlavour): Promise<TfjsBackend> {
  await initialiseTfjsBackend(flavour);
  return new TfjsBackend(name, flavour.tfjsName, { semantics: await probeSemantics() });
}

/**
 * A Parvus backend on one tfjs backend. 'tfjs-cpu' is returned synchronously when tfjs can
 * initialise it so (so `setBackendSync('tfjs-cpu')` works); the others are promises.
 */
export function createTfjsBackend(name: string): Backend | Promise<Backend> {
  if (name === TFJS_ALIAS) return createBest();
  const flavour = TFJS_FLAVOURS.find((f) => f.parvusName === name);
  if (!flavour) {
    const known = [TFJS_ALIAS, ...TFJS_FLAVOURS.map((f) => f.parvusName)].map((n) => `'${n}'`).join(', ');
    throw new BackendError(`'${name}' is not a tfjs backend of Parvus. Known: ${known}.`);
  }
  if (initialiseTfjsBackendSync(flavour)) return new TfjsBackend(name, flavour.tfjsName, { semantics: probeSemanticsSync() });
  return createAsync(name, flavour);
}

/** 'tfjs': the first tfjs backend, in order of preference, that initialises. */
async function createBest(): Promise<TfjsBackend> {
  const failures: string[] = [];
  for (const flavour of TFJS_FLAVOURS) {
    try {
      return await createAsync(TFJS_ALIAS, flavour);
    } catch (error) {
      failures.push(`  - ${flavour.parvusName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new BackendError(`No tfjs backend could be initialised:\n${failures.join('\n')}`);
}

/** Above the reference backend (priority 1): importing this package makes tfjs the default. */
const ALIAS_PRIORITY = 3;
const FLAVOUR_PRIORITY = 2;

registerBackend(TFJS_ALIAS, (() => createTfjsBackend(TFJS_ALIAS)) as BackendFactory, ALIAS_PRIORITY);
for (const flavour of TFJS_FLAVOURS) {
  registerBackend(flavour.parvusName, (() => createTfjsBackend(flavour.parvusName)) as BackendFactory, FLAVOUR_PRIORITY);
}
