// The whole conformance suite on tfjs-wasm (tfjs-cpu runs it in conformance-cpu.test.ts, in its own process).
import { describeBackendConformance } from '@parvus/conformance';
import { createTfjsBackend } from '../src/index.js';

describeBackendConformance('tfjs-wasm', () => createTfjsBackend('tfjs-wasm'));
