/**
 * Conformance tests the onnxruntime backends skip, as data: test id → why. None at present.
 *
 * The 166 Brevitas golden-fixture cases that used to be here reach a synchronous read in core
 * (IntQuantTensor.isValid, eval-mode scale equality, crossEntropy's label check, BatchNorm's
 * running average): in Node the backends now run onnxruntime in a worker thread and block on a
 * SharedArrayBuffer for `readSync`, so they pass. KthValue's index among ties (torch's quickselect)
 * runs as a host kernel. In a browser, where the main thread cannot block, `readSync` is absent;
 * core no longer needs it (structure from known values, value checks at the next read: see
 * backend-reference's test/async-only.test.ts, which runs the whole suite without it).
 */
export const CONFORMANCE_SKIPS: Readonly<Record<string, string>> = {};
