/**
 * onnxruntime for the tests: onnxruntime-web's wasm always; onnxruntime-node when it can be loaded
 * (it is an optional peer dependency, not installed in the workspace; PARVUS_ONNXRUNTIME_NODE may
 * point at an installed copy, e.g. /tmp/ortn/node_modules/onnxruntime-node).
 */
import { createRequire } from 'node:module';
import { OnnxModel } from '../../src/index.js';
import type { OnnxRuntimeModule } from '../../src/index.js';

async function loadNode(): Promise<OnnxRuntimeModule | string> {
  const path = process.env.PARVUS_ONNXRUNTIME_NODE;
  try {
    if (path) return createRequire(import.meta.url)(path) as OnnxRuntimeModule;
    const specifier = 'onnxruntime-node';
    return (await import(/* @vite-ignore */ specifier)) as OnnxRuntimeModule;
  } catch (error) {
    return `onnxruntime-node is not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

const nodeRuntime = await loadNode();

/** Null when onnxruntime-node can run, else why not. */
export const nodeRuntimeUnavailable: string | null = typeof nodeRuntime === 'string' ? nodeRuntime : null;

/** Run the model's first output on one input in onnxruntime-web (wasm) or onnxruntime-node. */
export async function runOnnx(bytes: Uint8Array, input: Float32Array, shape: readonly number[], runtime: 'wasm' | 'node' = 'wasm'): Promise<Float32Array> {
  const model = await OnnxModel.load(bytes, runtime === 'node' ? { runtime, module: nodeRuntime as OnnxRuntimeModule } : { runtime });
  try {
    return await model.run(input, shape);
  } finally {
    await model.release();
  }
}
