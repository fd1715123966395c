/**
 * @parvus/backend-onnxruntime — every kernel of the contract as a cached single-node (or small
 * fused) ONNX session on onnxruntime. Importing this module registers the kernels and the backends:
 *
 * - 'onnxruntime': onnxruntime-web on WebAssembly (Node and browsers);
 * - 'onnxruntime-webgpu': onnxruntime-web on WebGPU (browsers; Node with the `webgpu` package);
 * - 'onnxruntime-node': onnxruntime-node's native CPU runtime, registered when it is installed.
 *
 * All initialise asynchronously: `await setBackend('onnxruntime')`. In Node, onnxruntime runs in a
 * worker thread and `dataSync()` blocks until it has the values; in browsers (and on WebGPU) it runs
 * in the page's thread, and reads are asynchronous only (`await tensor.data()`).
 */
import { registerBackend } from '@parvus/core';
import type { Backend } from '@parvus/core';
import { BACKEND_NAMES, OnnxruntimeBackend } from './onnxruntime-backend.js';
import type { OnnxruntimeBackendOptions } from './onnxruntime-backend.js';
import { RuntimeUnavailableError, nodeRuntimeResolvable } from './runtime.js';
import type { OnnxruntimeFlavour } from './runtime.js';
import './register-all-kernels.js';

export { OnnxruntimeBackend, BACKEND_NAMES } from './onnxruntime-backend.js';
export type { GraphCall, OnnxruntimeBackendOptions, OnnxruntimeStats, OutputSpec } from './onnxruntime-backend.js';
export { onnxruntimeKernelConfigs, registerOnnxruntimeKernels } from './register-all-kernels.js';
export { OnnxGraph, OPSET_VERSION } from './graph/onnx-graph.js';
export type { AttributeValue, ConstantValue, Dimension, OnnxType } from './graph/onnx-graph.js';
export { RuntimeUnavailableError, loadRuntime, nodeRuntimeResolvable } from './runtime.js';
export type { OnnxruntimeFlavour, OrtModule, OrtSession, Runtime, RuntimeOptions } from './runtime.js';
export type { Executor } from './execution/executor.js';

/**
 * Priorities below the reference backend's (1): these backends initialise asynchronously, and the
 * engine's synchronous default must not land on one. Among them, `ready()` prefers native, then wasm.
 */
const PRIORITIES: Readonly<Record<OnnxruntimeFlavour, number>> = { node: 0.9, wasm: 0.8, webgpu: 0.7 };

/** Options used by the registered factories; set them before the first `setBackend`. */
const registeredOptions: Partial<Record<OnnxruntimeFlavour, OnnxruntimeBackendOptions>> = {};

/**
 * Options for a registered backend's initialisation (threads, wasm paths), e.g.
 * `configureOnnxruntime('wasm', { numThreads: 2 })` before `await setBackend('onnxruntime')`.
 */
export function configureOnnxruntime(flavour: OnnxruntimeFlavour, options: Omit<OnnxruntimeBackendOptions, 'flavour' | 'name'>): void {
  registeredOptions[flavour] = { ...options };
}

const registeredFlavours: OnnxruntimeFlavour[] = ['wasm', 'webgpu'];
if (nodeRuntimeResolvable()) registeredFlavours.push('node');

function describeAvailable(except: OnnxruntimeFlavour): string {
  const others = registeredFlavours.filter((f) => f !== except).map((f) => `'${BACKEND_NAMES[f]}'`);
  const missing = nodeRuntimeResolvable() ? '' : " ('onnxruntime-node' is not registered: onnxruntime-node is not installed)";
  return `Registered onnxruntime backends that may work instead: ${others.join(', ') || 'none'}${missing}.`;
}

/** Create the backend of a flavour; an unavailable runtime fails with what is available instead. */
export async function createOnnxruntimeBackend(flavour: OnnxruntimeFlavour = 'wasm', options: OnnxruntimeBackendOptions = {}): Promise<OnnxruntimeBackend> {
  try {
    return await OnnxruntimeBackend.create({ ...options, flavour });
  } catch (error) {
    if (error instanceof RuntimeUnavailableError) {
      throw new RuntimeUnavailableError(`${error.message} ${describeAvailable(flavour)}`);
    }
    throw error;
  }
}

for (const flavour of registeredFlavours) {
  registerBackend(
    BACKEND_NAMES[flavour],
    (): Promise<Backend> => createOnnxruntimeBackend(flavour, registeredOptions[flavour] ?? {}),
    PRIORITIES[flavour],
  );
}
