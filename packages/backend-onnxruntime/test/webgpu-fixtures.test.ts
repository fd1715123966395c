/**
 * The Brevitas quantizer fixtures (act_quantizers.json, weight_quantizers.json, bias_quant.json) on
 * 'onnxruntime-webgpu' in Node, within one quantization step of Brevitas (@parvus/conformance's
 * 'one-step' comparison: integer codes |Δ| ≤ 1, dequantized values within one scale step, scales,
 * zero points and statistics within 2^-15 relative, bit widths, flags and shapes exact; why, from
 * WGSL's accuracy rules, in conformance's src/brevitas/one-step.ts). The whole conformance suite
 * runs bit for bit on wasm (conformance.test.ts); here the GPU runs the same quantizers.
 *
 * The cases that reach a synchronous read in core are skips with their reason
 * (webgpu-skips.ts); the last tests check that core still reads there. Skipped, with the reason,
 * where no WebGPU adapter is found.
 */
import { describe, expect, it } from 'vitest';
import * as P from '@parvus/core';
import { describeBrevitasQuantizerFixtures } from '@parvus/conformance';
import { createOnnxruntimeBackend } from '../src/index.js';
import { webgpuUnavailable } from './webgpu-probe.js';
import { WEBGPU_FIXTURE_SKIPS } from './webgpu-skips.js';

const unavailable = await webgpuUnavailable();

if (unavailable === null) {
  describeBrevitasQuantizerFixtures('onnxruntime-webgpu', () => createOnnxruntimeBackend('webgpu'), {
    tolerance: 'one-step',
    skip: { ...WEBGPU_FIXTURE_SKIPS },
  });

  describe('onnxruntime-webgpu: the skipped fixtures still need a synchronous read in core', () => {
    const stale = 'core no longer reads synchronously here: remove these skips from test/webgpu-skips.ts';

    it('SolveScaleSignedness reads a tensor scalingInit (MinMaxInit and Const quantizers)', async () => {
      await P.setBackend('onnxruntime-webgpu');
      expect(() => new P.QuantIdentity({ actQuant: P.Int8ActPerTensorFloatMinMaxInit, minVal: -2, maxVal: 2, returnQuantTensor: true }), stale)
        .toThrow(/cannot read synchronously/);
      expect(() => new P.QuantIdentity({ actQuant: P.SignedBinaryActPerTensorConst, returnQuantTensor: true }), stale).toThrow(/cannot read synchronously/);
    });

    it('forwardQuantWBIOL reads the zero points of a quantized input and weight', async () => {
      await P.setBackend('onnxruntime-webgpu');
      const layer = new P.QuantLinear({ inFeatures: 6, outFeatures: 4, bias: true, inputQuant: P.Int8ActPerTensorFloat, returnQuantTensor: true });
      const x = P.tensor(Float32Array.from({ length: 12 }, (_, i) => i / 4 - 1), [2, 6]);
      try {
        expect(() => P.tidy(() => layer.forward(x)), stale).toThrow(/cannot read synchronously/);
      } finally {
        x.dispose();
        layer.dispose();
      }
    });
  });
} else {
  describe('Brevitas quantizer fixtures on onnxruntime-webgpu in Node', () => {
    it.skip(`skipped: no WebGPU adapter here (${unavailable})`, () => undefined);
  });
}
