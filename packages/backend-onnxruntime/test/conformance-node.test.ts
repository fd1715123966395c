// The whole conformance suite on onnxruntime-node (native CPU): in its worker thread (the default),
// and in this thread, where its binding runs synchronously. Skipped, with the reason, where
// onnxruntime-node is not installed or its binaries do not load here.
import { describe, it } from 'vitest';
import { describeBackendConformance } from '@parvus/conformance';
import { createOnnxruntimeBackend, registerOnnxruntimeKernels } from '../src/index.js';

const unavailable = await import('onnxruntime-node').then(
  () => null,
  (error: unknown) => `onnxruntime-node cannot be loaded here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
);

if (unavailable === null) {
  describeBackendConformance('onnxruntime-node', () => createOnnxruntimeBackend('node'));
  registerOnnxruntimeKernels('onnxruntime-node-in-thread');
  describeBackendConformance('onnxruntime-node-in-thread', () => createOnnxruntimeBackend('node', { name: 'onnxruntime-node-in-thread', worker: false }));
} else {
  describe.skip(`conformance of backend 'onnxruntime-node': ${unavailable}`, () => {
    it('is skipped', () => undefined);
  });
}
