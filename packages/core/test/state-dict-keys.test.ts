import { describe, expect, it } from 'vitest';
import { ValueError, brevitasToParvusKey, brevitasToParvusName, parvusToBrevitasKey, parvusToBrevitasName } from '@parvus/core';

// Keys from Brevitas 0.12.1 state dicts and module trees (the oracle's module_repr_state_dict.json).
const PAIRS: ReadonlyArray<[brevitas: string, parvus: string]> = [
  ['act_quant.fused_activation_quant_proxy.tensor_quant.scaling_impl.value', 'actQuant.fusedActivationQuantProxy.tensorQuant.scalingImpl.value'],
  ['act_quant.fused_activation_quant_proxy.tensor_quant.zero_point_impl.value', 'actQuant.fusedActivationQuantProxy.tensorQuant.zeroPointImpl.value'],
  ['input_quant.fused_activation_quant_proxy.tensor_quant.scaling_impl.value', 'inputQuant.fusedActivationQuantProxy.tensorQuant.scalingImpl.value'],
  ['weight_quant.tensor_quant.msb_clamp_bit_width_impl.bit_width_offset', 'weightQuant.tensorQuant.msbClampBitWidthImpl.bitWidthOffset'],
  ['act_quant._zero_hw_sentinel', 'actQuant.zeroHwSentinel'],
  ['features.0.bn.running_mean', 'features.0.bn.runningMean'],
  ['bn.num_batches_tracked', 'bn.numBatchesTracked'],
  ['weight', 'weight'],
  ['conv1.bias', 'conv1.bias'],
  ['block_2.conv', 'block_2.conv'],
];

describe('Brevitas ↔ Parvus state-dict keys', () => {
  // Both directions of each pair, so each key also round-trips.
  it.each(PAIRS)('%s ↔ %s', (brevitas, parvus) => {
    expect(brevitasToParvusKey(brevitas)).toBe(parvus);
    expect(parvusToBrevitasKey(parvus)).toBe(brevitas);
  });

  it('keeps an underscore before a digit, so layer_2 and layer2 stay distinct', () => {
    expect(brevitasToParvusName('layer_2')).toBe('layer_2');
    expect(brevitasToParvusName('layer2')).toBe('layer2');
    expect(parvusToBrevitasName('layer_2')).toBe('layer_2');
  });

  it('refuses a private name it cannot map back', () => {
    expect(() => brevitasToParvusName('_unknown_private')).toThrow(ValueError);
  });
});
