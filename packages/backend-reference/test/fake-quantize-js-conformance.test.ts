// The whole conformance suite once more with fake quantization and its gradient in JavaScript, so
// that the fallback of the WebAssembly kernels stays correct where WebAssembly SIMD is missing.
// conformance.test.ts runs it with the default, the WebAssembly kernels where the runtime has them.
import { describeBackendConformance } from '@parvus/conformance';
import { ReferenceBackend } from '../src/index.js';
import { elementwiseImplementation, setElementwiseImplementation } from '../src/impl/elementwise.js';

setElementwiseImplementation('js');
if (elementwiseImplementation() !== 'js') throw new Error('fake quantization did not switch to JavaScript');

describeBackendConformance('reference', () => new ReferenceBackend());
