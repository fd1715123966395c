// The whole conformance suite, on the reference backend, with no skips.
import { describeBackendConformance } from '@parvus/conformance';
import { ReferenceBackend } from '../src/index.js';

describeBackendConformance('reference', () => new ReferenceBackend());
