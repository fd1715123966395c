/**
 * State-dict keys between Brevitas and Parvus. A key is a dotted path through the module tree
 * (`act_quant.fused_activation_quant_proxy.tensor_quant.scaling_impl.value`); Parvus names every
 * module, parameter and buffer in camelCase (`actQuant.fusedActivationQuantProxy.tensorQuant.
 * scalingImpl.value`), so a Brevitas checkpoint and a Parvus one convert 1:1, segment by segment.
 *
 * The mapping is a bijection on the names Brevitas and PyTorch use: lowercase words joined by
 * single underscores, digits allowed (`conv1`, `layer_2`, numeric Sequential indices). An
 * underscore before a letter becomes that letter in upper case and back; an underscore before a
 * digit is kept (`layer_2` ↔ `layer_2`, so that `layer2` stays distinct). Brevitas's private
 * module names lose their leading underscore (`_zero_hw_sentinel` ↔ `zeroHwSentinel`).
 */
import { ValueError } from '../../errors/errors.js';

/** Brevitas module names with a leading underscore, as Parvus spells them. */
const PRIVATE_BREVITAS_NAMES: ReadonlySet<string> = new Set(['zeroHwSentinel']);

/** One Brevitas name (`scaling_impl`, `_zero_hw_sentinel`, `0`) in Parvus spelling. */
export function brevitasToParvusName(name: string): string {
  const camel = name.replace(/^_+/, '').replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  if (name.startsWith('_') && !PRIVATE_BREVITAS_NAMES.has(camel)) {
    throw new ValueError(`brevitasToParvusName: '${name}' is not a private Brevitas name Parvus knows; add it to PRIVATE_BREVITAS_NAMES.`);
  }
  return camel;
}

/** One Parvus name (`scalingImpl`, `zeroHwSentinel`, `0`) in Brevitas spelling. */
export function parvusToBrevitasName(name: string): string {
  const snake = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return PRIVATE_BREVITAS_NAMES.has(name) ? `_${snake}` : snake;
}

/** `act_quant.fused_activation_quant_proxy.tensor_quant.scaling_impl.value` → `actQuant.fusedActivationQuantProxy.tensorQuant.scalingImpl.value`. */
export function brevitasToParvusKey(key: string): string {
  return key.split('.').map(brevitasToParvusName).join('.');
}

/** The inverse of `brevitasToParvusKey`. */
export function parvusToBrevitasKey(key: string): string {
  return key.split('.').map(parvusToBrevitasName).join('.');
}
