// The whole conformance suite once more with every WebAssembly kernel replaced by its JavaScript
// fallback (gemm with float64 accumulation, fake quantization and its gradient), so that the
// backend stays correct where WebAssembly SIMD is missing. conformance.test.ts runs it with the
// default, the WebAssembly kernels where the runtime has them.
import { describeBackendConformance } from '@parvus/conformance';
import { ReferenceBackend } from '../src/index.js';
import { elementwiseImplementation, setElementwiseImplementation } from '../src/impl/elementwise.js';
import { gemmImplementation, setGemmImplementation } from '../src/impl/gemm.js';

setGemmImplementation('js');
setElementwiseImplementation('js');
if (gemmImplementation() !== 'js') throw new Error('gemm did not switch to JavaScript');
if (elementwiseImplementation() !== 'js') throw new Error('fake quantization did not switch to JavaScript');

describeBackendConformance('reference', () => new ReferenceBackend());
