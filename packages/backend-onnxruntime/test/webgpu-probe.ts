/**
 * Whether 'onnxruntime-webgpu' initialises here: null, with it the active backend, or why not (the
 * test files await it at top level, since the reason is needed to register their skips).
 */
import * as P from '@parvus/core';
import '../src/index.js';

export async function webgpuUnavailable(): Promise<string | null> {
  try {
    await P.setBackend('onnxruntime-webgpu');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
