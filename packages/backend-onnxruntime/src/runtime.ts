/**
 * Loading onnxruntime for each flavour of the backend:
 *
 * - 'wasm': onnxruntime-web's CPU (WebAssembly) execution provider. In Node the package's `node`
 *   export condition loads dist/ort.node.min.mjs, which reads ort-wasm-simd-threaded.{mjs,wasm}
 *   next to itself in node_modules (no network); threads run on worker_threads.
 * - 'webgpu': onnxruntime-web/webgpu (the asyncify build with the native WebGPU execution provider).
 *   In Node, WebGPU comes from the `webgpu` package (Dawn) and the .wasm is read from node_modules
 *   with fs, since Node's fetch cannot load file: URLs.
 * - 'node': onnxruntime-node (native CPU), when it is installed.
 */
import type * as NodeFs from 'node:fs/promises';
import type * as NodeModule from 'node:module';
import type * as NodePath from 'node:path';
import type * as NodeV8 from 'node:v8';
import type { InferenceSession, Tensor as OrtTensorType } from 'onnxruntime-common';

export type OnnxruntimeFlavour = 'wasm' | 'webgpu' | 'node';

/** The part of an onnxruntime module (web or node) that the backend uses. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: OrtTensorType.Type, data: OrtTensorType.DataType, dims?: readonly number[]) => OrtTensorType;
  env: {
    logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
    wasm?: { numThreads?: number; wasmPaths?: unknown; wasmBinary?: ArrayBufferLike | Uint8Array };
  };
}

export interface RuntimeOptions {
  /**
   * Threads: wasm, onnxruntime-web's pthreads (default: its own choice, one per two cores); node,
   * intra-op threads of every session (default 1: each session has its own pool).
   */
  numThreads?: number;
  /**
   * Where onnxruntime-web finds its .wasm/.mjs files (a URL prefix or `{ wasm, mjs }`), for pages whose
   * bundler does not serve them next to the bundle. Not needed in Node.
   */
  wasmPaths?: string | { wasm?: string; mjs?: string };
  /** Use this module instead of importing one (e.g. an onnxruntime-web already configured by the page). */
  module?: OrtModule;
  /**
   * Node only, 'webgpu': compile onnxruntime's 26 MB asyncify .wasm with V8's baseline compiler only
   * (default true). Otherwise V8 optimises all of it on background threads (about a minute of CPU),
   * and Node's event loop, idle while it waits for a GPU callback, blocks until that is done
   * (node::NodePlatform::DrainTasks): the first GPU kernel then takes a minute instead of 0.1 s.
   * The V8 flag is restored once the module is compiled.
   */
  nodeBaselineWasmCompile?: boolean;
}

/** A loaded model. `run` is synchronous where the runtime allows it (onnxruntime-node's binding). */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorType>): Record<string, OrtTensorType> | Promise<Record<string, OrtTensorType>>;
  release(): void | Promise<void>;
}

export interface Runtime {
  readonly flavour: OnnxruntimeFlavour;
  readonly ort: OrtModule;
  readonly sessionOptions: InferenceSession.SessionOptions;
  /**
   * Create a session; synchronous (with synchronous runs) where the runtime allows it, so that
   * kernels run at once and reads need not wait.
   */
  createSession(model: Uint8Array, options: InferenceSession.SessionOptions): OrtSession | Promise<OrtSession>;
  /** Whether createSession and run return values rather than promises. */
  readonly synchronous: boolean;
  /** Whether kernel outputs stay in GPU buffers (and must be disposed explicitly). */
  readonly outputsOnDevice: boolean;
  /** A human-readable description, e.g. 'onnxruntime-web (wasm, 2 threads)'. */
  readonly description: string;
  /** Called once the first session has run (the runtime's wasm is compiled by then). */
  readonly afterWarmUp?: () => void;
}

export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * A Node built-in module, loaded synchronously (process.getBuiltinModule, Node ≥ 20.16), or null
 * outside Node. Bundlers for the browser neither resolve nor stub it.
 */
export function nodeBuiltin<T>(id: string): T | null {
  if (!isNode) return null;
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (getBuiltin?.(id) as T | undefined) ?? null;
}

/**
 * Import a Node built-in or an optional package at run time. The specifier is a variable so that
 * bundlers (the browser build of this package) neither resolve nor stub it.
 */
function importAtRunTime<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}

/** Error thrown when a flavour cannot run here; `available` lists the flavours that can. */
export class RuntimeUnavailableError extends Error {
  override readonly name = 'RuntimeUnavailableError';
}

function configureWasm(ort: OrtModule, options: RuntimeOptions): void {
  const wasm = ort.env.wasm;
  if (!wasm) return;
  if (options.numThreads !== undefined) wasm.numThreads = options.numThreads;
  if (options.wasmPaths !== undefined) wasm.wasmPaths = options.wasmPaths;
}

async function openSession(ort: OrtModule, model: Uint8Array, options: InferenceSession.SessionOptions): Promise<OrtSession> {
  const session = await ort.InferenceSession.create(model, options);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run: (feeds) => session.run(feeds) as Promise<Record<string, OrtTensorType>>,
    release: () => session.release(),
  };
}

export async function loadRuntime(flavour: OnnxruntimeFlavour, options: RuntimeOptions = {}): Promise<Runtime> {
  switch (flavour) {
    case 'wasm': return loadWasm(options);
    case 'webgpu': return loadWebGpu(options);
    case 'node': return loadNode(options);
  }
}

async function loadWasm(options: RuntimeOptions): Promise<Runtime> {
  const ort = options.module ?? ((await import('onnxruntime-web')) as unknown as OrtModule);
  configureWasm(ort, options);
  ort.env.logLevel = 'error';
  const threads = ort.env.wasm?.numThreads;
  return {
    flavour: 'wasm',
    ort,
    sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 },
    createSession: (model, sessionOptions) => openSession(ort, model, sessionOptions),
    synchronous: false,
    outputsOnDevice: false,
    description: `onnxruntime-web (wasm${threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''})`,
  };
}

/** Kept for the life of the process: Dawn crashes when the GPU object `create()` returned is collected. */
let nodeGpu: unknown = null;

/** `data` itself, or a copy in an ordinary ArrayBuffer when it lives in a SharedArrayBuffer (same element type). */
function unshared(data: unknown): unknown {
  if (typeof SharedArrayBuffer === 'undefined') return data;
  if (data instanceof SharedArrayBuffer) return new Uint8Array(data).slice().buffer;
  if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer && !(data instanceof DataView)) {
    // TypedArray.prototype.slice allocates a fresh, unshared buffer of the same element type.
    return (data as unknown as Uint8Array).slice();
  }
  return data;
}

/** WebGPU in Node: the `webgpu` package's GPU as navigator.gpu, with the fixes onnxruntime needs. */
async function installNodeWebGpu(): Promise<void> {
  if (nodeGpu) return;
  const g = globalThis as Record<string, unknown> & { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  let webgpu: { create(flags: string[]): unknown; globals: Record<string, unknown> };
  try {
    webgpu = await importAtRunTime<typeof webgpu>('webgpu');
  } catch (error) {
    throw new RuntimeUnavailableError(
      `WebGPU in Node needs the 'webgpu' package (Dawn), which could not be imported: ${(error as Error).message}`,
    );
  }
  for (const [key, value] of Object.entries(webgpu.globals)) if (!(key in g)) g[key] = value;
  // onnxruntime's wasm memory is a SharedArrayBuffer, which Dawn's writeBuffer rejects: copy it.
  const queue = (webgpu.globals.GPUQueue as { prototype: Record<string, unknown> } | undefined)?.prototype;
  const writeBuffer = queue?.writeBuffer as ((...args: unknown[]) => unknown) | undefined;
  if (queue && writeBuffer && !(writeBuffer as { parvusPatched?: boolean }).parvusPatched) {
    const patched = function (this: unknown, buffer: unknown, offset: unknown, data: unknown, ...rest: unknown[]): unknown {
      return writeBuffer.call(this, buffer, offset, unshared(data), ...rest);
    };
    (patched as { parvusPatched?: boolean }).parvusPatched = true;
    queue.writeBuffer = patched;
  }
  const gpu = webgpu.create([]);
  nodeGpu = gpu;
  if (!g.navigator) g.navigator = {};
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, enumerable: true });
}

async function loadWebGpu(options: RuntimeOptions): Promise<Runtime> {
  if (isNode) await installNodeWebGpu();
  let afterWarmUp: (() => void) | undefined;
  const navigatorGpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!navigatorGpu) throw new RuntimeUnavailableError('WebGPU is not available here (navigator.gpu is undefined).');
  const adapter = await navigatorGpu.requestAdapter();
  if (!adapter) {
    throw new RuntimeUnavailableError(
      'WebGPU is not available here: navigator.gpu.requestAdapter() returned null' +
        (isNode ? ' (in Node on Linux, Dawn needs a Vulkan driver: e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json with libvulkan.so.1 on the library path)' : '') +
        '.',
    );
  }
  if (isNode && options.nodeBaselineWasmCompile !== false) {
    const v8 = await importAtRunTime<typeof NodeV8>('node:v8');
    v8.setFlagsFromString('--liftoff-only');
    afterWarmUp = () => v8.setFlagsFromString('--no-liftoff-only');
  }
  let ort: OrtModule;
  try {
    ort = options.module ?? ((await import('onnxruntime-web/webgpu')) as unknown as OrtModule);
  } catch (error) {
    afterWarmUp?.();
    throw error;
  }
  const wasm = ort.env.wasm;
  if (isNode && wasm && wasm.wasmBinary === undefined && options.wasmPaths === undefined) {
    const { readFile } = await importAtRunTime<typeof NodeFs>('node:fs/promises');
    const { createRequire } = await importAtRunTime<typeof NodeModule>('node:module');
    const { dirname, join } = await importAtRunTime<typeof NodePath>('node:path');
    // The require condition of onnxruntime-web/webgpu is dist/ort.webgpu.min.js, beside the .wasm.
    const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/webgpu'));
    wasm.wasmBinary = await readFile(join(dist, 'ort-wasm-simd-threaded.asyncify.wasm'));
  }
  configureWasm(ort, options);
  // The GPU does the work; extra wasm threads would only add start-up cost.
  if (wasm && options.numThreads === undefined) wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return {
    flavour: 'webgpu',
    ort,
    sessionOptions: {
      executionProviders: ['webgpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      preferredOutputLocation: 'gpu-buffer',
    },
    createSession: (model, sessionOptions) => openSession(ort, model, sessionOptions),
    synchronous: false,
    outputsOnDevice: true,
    description: 'onnxruntime-web (WebGPU)',
    ...(afterWarmUp ? { afterWarmUp } : {}),
  };
}

/** onnxruntime-node's native session (dist/binding.js), whose run is synchronous. */
interface NodeBindingSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: InferenceSession.SessionOptions): void;
  readonly inputMetadata: ReadonlyArray<{ name: string }>;
  readonly outputMetadata: ReadonlyArray<{ name: string }>;
  run(feeds: Record<string, OrtTensorType>, fetches: Record<string, null>, options: object): Record<string, OrtTensorType>;
  dispose(): void;
}

interface NodeBinding {
  binding: { InferenceSession: new () => NodeBindingSession };
  initOrt(): void;
}

/**
 * onnxruntime-node's InferenceSession.run calls its native binding synchronously, inside a
 * setImmediate: a kernel would wait for a turn of the event loop (about 20 µs of a 25 µs tiny run).
 * The binding itself is used where it is found, so that kernels run at once; else the public API.
 */
function nodeBinding(): NodeBinding | null {
  try {
    const moduleApi = nodeBuiltin<{ createRequire(url: string): (id: string) => unknown }>('node:module');
    const binding = moduleApi?.createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as Partial<NodeBinding> | undefined;
    if (typeof binding?.initOrt !== 'function' || typeof binding.binding?.InferenceSession !== 'function') return null;
    return binding as NodeBinding;
  } catch {
    return null;
  }
}

function openBindingSession(binding: NodeBinding, model: Uint8Array, options: InferenceSession.SessionOptions): OrtSession {
  binding.initOrt();
  const session = new binding.binding.InferenceSession();
  session.loadModel(model.buffer, model.byteOffset, model.byteLength, options);
  const inputNames = session.inputMetadata.map((m) => m.name);
  const outputNames = session.outputMetadata.map((m) => m.name);
  const fetches: Record<string, null> = Object.fromEntries(outputNames.map((name) => [name, null]));
  const runOptions = {};
  return {
    inputNames,
    outputNames,
    run: (feeds) => session.run(feeds, fetches, runOptions),
    release: () => session.dispose(),
  };
}

async function loadNode(options: RuntimeOptions): Promise<Runtime> {
  let ort = options.module;
  if (!ort) {
    try {
      // onnxruntime-node is an optional peer dependency, absent at build time.
      ort = await importAtRunTime<OrtModule>('onnxruntime-node');
    } catch (error) {
      throw new RuntimeUnavailableError(
        `onnxruntime-node could not be imported (${(error as Error).message}). Install it with ` +
          '`ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0` (its postinstall only fetches GPU libraries).',
      );
    }
  }
  ort.env.logLevel = 'error';
  const binding = options.module ? null : nodeBinding();
  // Every session has its own intra-op thread pool, whose threads spin between runs: with the
  // default (one thread per core) and the hundred-odd sessions of a training step, the spinning
  // threads starve everything else. One thread by default; more only on request, not spinning.
  const threads = options.numThreads ?? 1;
  const notSpinning = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  return {
    flavour: 'node',
    ort,
    sessionOptions: {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      ...(threads > 1 ? { extra: notSpinning } : {}),
    },
    createSession: binding
      ? (model, sessionOptions) => openBindingSession(binding, model, sessionOptions)
      : (model, sessionOptions) => openSession(ort, model, sessionOptions),
    synchronous: binding !== null,
    outputsOnDevice: false,
    description: `onnxruntime-node (CPU, ${threads} thread${threads === 1 ? '' : 's'})`,
  };
}

/** Whether onnxruntime-node can be resolved from this package (synchronously, in Node only). */
export function nodeRuntimeResolvable(): boolean {
  if (!isNode) return false;
  try {
    const moduleApi = nodeBuiltin<{ createRequire(url: string): { resolve(id: string): string } }>('node:module');
    if (!moduleApi) return false;
    moduleApi.createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}
