// The whole conformance suite once more with gemm in JavaScript (float64 accumulation), so that
// the fallback of the WebAssembly kernel stays correct where WebAssembly SIMD is missing.
// conformance.test.ts runs it with the default, the WebAssembly kernel where the runtime has it.
import { describeBackendConformance } from '@parvus/conformance';
import { ReferenceBackend } from '../src/index.js';
import { gemmImplementation, setGemmImplementation } from '../src/impl/gemm.js';

setGemmImplementation('js');
if (gemmImplementation() !== 'js') throw new Error('gemm did not switch to JavaScript');

describeBackendConformance('reference', () => new ReferenceBackend());
