// The whole conformance suite on onnxruntime-web's wasm execution provider. The skips (data, with
// their reason) are Brevitas cases that core reads synchronously: see conformance-skips.ts.
import { describeBackendConformance } from '@parvus/conformance';
import { createOnnxruntimeBackend } from '../src/index.js';
import { CONFORMANCE_SKIPS } from './conformance-skips.js';

describeBackendConformance('onnxruntime', () => createOnnxruntimeBackend('wasm'), { skip: { ...CONFORMANCE_SKIPS } });
