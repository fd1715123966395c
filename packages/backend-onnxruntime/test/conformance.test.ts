// The whole conformance suite on onnxruntime-web's wasm execution provider, none of it skipped.
import { describeBackendConformance } from '@parvus/conformance';
import { createOnnxruntimeBackend } from '../src/index.js';

describeBackendConformance('onnxruntime', () => createOnnxruntimeBackend('wasm'));
