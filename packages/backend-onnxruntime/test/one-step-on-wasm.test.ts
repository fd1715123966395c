// The comparison the WebGPU backend is held to (webgpu-fixtures.test.ts: the Brevitas quantizer
// fixtures within one quantization step, integers computed on the host from asynchronous reads),
// on wasm, where every one of the 71 cases runs (core's synchronous reads go through the worker):
// it checks the comparison itself, without a GPU, on the cases WebGPU has to skip too.
// conformance.test.ts runs the same fixtures bit for bit.
import { describeBrevitasQuantizerFixtures } from '@parvus/conformance';
import { createOnnxruntimeBackend } from '../src/index.js';

describeBrevitasQuantizerFixtures('onnxruntime', () => createOnnxruntimeBackend('wasm'), { tolerance: 'one-step' });
