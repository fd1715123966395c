// The whole conformance suite on tfjs-cpu.
import { describeBackendConformance } from '@parvus/conformance';
import { createTfjsBackend } from '../src/index.js';

describeBackendConformance('tfjs-cpu', () => createTfjsBackend('tfjs-cpu'));
