/**
 * The Brevitas quantizer fixtures (act_quantizers.json, weight_quantizers.json, bias_quant.json) on
 * 'onnxruntime-webgpu' in Node, within one quantization step of Brevitas (@parvus/conformance's
 * 'one-step' comparison: integer codes |Δ| ≤ 1, dequantized values within one scale step, scales,
 * zero points and statistics within 2^-15 relative, bit widths, flags and shapes exact; why, from
 * WGSL's accuracy rules, in conformance's src/brevitas/one-step.ts). The whole conformance suite
 * runs bit for bit on wasm (conformance.test.ts); here the GPU runs the same quantizers.
 *
 * Every fixture runs, none skipped: core builds and runs quantizers without a synchronous read
 * (backend-reference's async-only test holds it to that exactly on the CPU). Skipped, with the
 * reason, where no WebGPU adapter is found.
 */
import { describe, it } from 'vitest';
import { describeBrevitasQuantizerFixtures } from '@parvus/conformance';
import { createOnnxruntimeBackend } from '../src/index.js';
import { webgpuUnavailable } from './webgpu-probe.js';

const unavailable = await webgpuUnavailable();

if (unavailable === null) {
  describeBrevitasQuantizerFixtures('onnxruntime-webgpu', () => createOnnxruntimeBackend('webgpu'), {
    tolerance: 'one-step',
  });
} else {
  describe('Brevitas quantizer fixtures on onnxruntime-webgpu in Node', () => {
    it.skip(`skipped: no WebGPU adapter here (${unavailable})`, () => undefined);
  });
}
