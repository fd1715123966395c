/**
 * The tfjs side: which tfjs backends Parvus can run on, loading the optional ones, initialising
 * them (`tf.setBackend` + `tf.ready()`), and switching the active one (tfjs has one per process).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths as setTfjsWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '@parvus/core';

/** A tfjs backend Parvus can run on. */
export interface TfjsFlavour {
  /** The Parvus backend name. */
  readonly parvusName: string;
  /** The tfjs backend name. */
  readonly tfjsName: string;
  /** The package that registers the tfjs backend when it is not a dependency of this one. */
  readonly optionalPackage?: string;
}

/** In order of preference for the 'tfjs' alias: native TensorFlow, GPUs, then wasm, then plain JS. */
export const TFJS_FLAVOURS: readonly TfjsFlavour[] = [
  { parvusName: 'tfjs-node', tfjsName: 'tensorflow', optionalPackage: '@tensorflow/tfjs-node' },
  { parvusName: 'tfjs-webgpu', tfjsName: 'webgpu', optionalPackage: '@tensorflow/tfjs-backend-webgpu' },
  { parvusName: 'tfjs-webgl', tfjsName: 'webgl', optionalPackage: '@tensorflow/tfjs-backend-webgl' },
  { parvusName: 'tfjs-wasm', tfjsName: 'wasm' },
  { parvusName: 'tfjs-cpu', tfjsName: 'cpu' },
];

/** The Parvus name of the alias for the best tfjs backend that initialises. */
export const TFJS_ALIAS = 'tfjs';

/** Every Parvus backend name this package registers kernels for. */
export const TFJS_BACKEND_NAMES: readonly string[] = [TFJS_ALIAS, ...TFJS_FLAVOURS.map((f) => f.parvusName)];

const isNode = typeof process !== 'undefined' && typeof process.versions === 'object' && process.versions.node != null;

let wasmPathsChosen = false;

/**
 * Where tfjs-backend-wasm loads its .wasm binaries from: a folder (ending in '/') or a map from
 * binary name to URL, as tfjs-backend-wasm's own `setWasmPaths`. Call it before the first
 * `setBackend('tfjs-wasm')`. In Node the package's own dist folder is used by default (no network);
 * in browsers tfjs looks next to the bundled script unless told otherwise.
 */
export function setWasmPaths(prefixOrFileMap: string | Record<string, string>, usePlatformFetch = false): void {
  setTfjsWasmPaths(prefixOrFileMap as string, usePlatformFetch);
  wasmPathsChosen = true;
}

/** In Node, point tfjs-backend-wasm at the binaries in its installed dist folder (as its node bundle would). */
async function useInstalledWasmBinaries(): Promise<void> {
  if (wasmPathsChosen || !isNode) return;
  wasmPathsChosen = true;
  try {
    const { createRequire } = await import('node:module');
    const { existsSync } = await import('node:fs');
    const { dirname, join, sep } = await import('node:path');
    const folder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    if (existsSync(join(folder, 'tfjs-backend-wasm-simd.wasm'))) setTfjsWasmPaths(folder + sep);
  } catch {
    // Unusual layouts: leave tfjs's own lookup (the directory of its script) in place.
  }
}

function registeredTfjsBackends(): string[] {
  return Object.keys((tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory);
}

/** The Parvus names of the tfjs backends registered with tfjs in this process (loaded, maybe not initialised). */
export function availableTfjsBackends(): string[] {
  const registered = new Set(registeredTfjsBackends());
  return TFJS_FLAVOURS.filter((f) => registered.has(f.tfjsName)).map((f) => f.parvusName);
}

function unavailable(flavour: TfjsFlavour, why: string): BackendError {
  const available = availableTfjsBackends().map((n) => `'${n}'`).join(', ') || 'none';
  return new BackendError(
    `tfjs backend '${flavour.tfjsName}' (Parvus '${flavour.parvusName}') is not available: ${why}. ` +
      `Available tfjs backends: ${available}.`,
  );
}

async function loadFlavour(flavour: TfjsFlavour): Promise<void> {
  if (flavour.tfjsName === 'wasm') await useInstalledWasmBinaries();
  if (registeredTfjsBackends().includes(flavour.tfjsName) || !flavour.optionalPackage) return;
  try {
    // A variable specifier: bundlers and TypeScript leave optional packages alone.
    const specifier: string = flavour.optionalPackage;
    await import(specifier);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw unavailable(flavour, `${flavour.optionalPackage} could not be loaded (${detail}); install it to use this backend`);
  }
}

const initialised = new Set<string>();
const pending = new Map<string, Promise<void>>();

/** Load and initialise a tfjs backend (`tf.setBackend` + `tf.ready()`), leaving it active. */
export async function initialiseTfjsBackend(flavour: TfjsFlavour): Promise<void> {
  if (initialised.has(flavour.tfjsName)) {
    activateTfjsBackend(flavour.tfjsName);
    return;
  }
  let promise = pending.get(flavour.tfjsName);
  if (!promise) {
    promise = initialise(flavour).finally(() => pending.delete(flavour.tfjsName));
    pending.set(flavour.tfjsName, promise);
  }
  await promise;
  activateTfjsBackend(flavour.tfjsName);
}

async function initialise(flavour: TfjsFlavour): Promise<void> {
  await loadFlavour(flavour);
  if (!registeredTfjsBackends().includes(flavour.tfjsName)) {
    throw unavailable(flavour, `no tfjs backend '${flavour.tfjsName}' is registered`);
  }
  const previous = tf.getBackend();
  let ok = false;
  let failure: unknown = null;
  try {
    ok = await tf.setBackend(flavour.tfjsName);
    await tf.ready();
  } catch (error) {
    failure = error;
  }
  if (!ok || failure) {
    // A failed tf.setBackend leaves tfjs without an active backend: restore the previous one.
    if (previous && previous !== flavour.tfjsName) await tf.setBackend(previous).catch(() => false);
    const detail = failure instanceof Error ? failure.message : failure ? String(failure) : 'tf.setBackend returned false';
    throw unavailable(flavour, `it failed to initialise (${detail})`);
  }
  initialised.add(flavour.tfjsName);
}

/**
 * Initialise a tfjs backend synchronously, where tfjs can ('cpu'); false when it initialises
 * asynchronously or is not registered.
 */
export function initialiseTfjsBackendSync(flavour: TfjsFlavour): boolean {
  if (initialised.has(flavour.tfjsName)) {
    activateTfjsBackend(flavour.tfjsName);
    return true;
  }
  if (flavour.tfjsName !== 'cpu' || !registeredTfjsBackends().includes('cpu')) return false;
  // tf.setBackend runs synchronously for a backend whose factory is synchronous.
  void tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu' || tf.findBackend('cpu') == null) return false;
  initialised.add('cpu');
  return true;
}

/** Make an initialised tfjs backend the active one, synchronously. */
export function activateTfjsBackend(tfjsName: string): void {
  if (tf.getBackend() === tfjsName) return;
  if (tf.findBackend(tfjsName) == null) {
    throw new BackendError(`tfjs backend '${tfjsName}' is not initialised: call \`await setBackend(…)\` for it first.`);
  }
  // For an initialised backend tf.setBackend completes synchronously (no await is reached).
  void tf.setBackend(tfjsName);
  if (tf.getBackend() !== tfjsName) throw new BackendError(`could not switch tfjs to its '${tfjsName}' backend`);
}
