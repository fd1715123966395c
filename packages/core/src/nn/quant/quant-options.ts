/**
 * How quantized layers route their options to quantizers, as Brevitas routes keyword arguments:
 * a prefix picks the quantizer (`inputBitWidth` → the input quantizer's `bitWidth`); activation
 * layers give unprefixed options to their activation quantizer. Unlike Brevitas, an option that
 * no quantizer and not the layer uses is an error naming it.
 */
import type { Injector } from '../../inject/injector.js';
import { ConfigurationError } from '../../errors/errors.js';
import type { QuantProxyFromInjector } from '../../proxy/quant-proxy.js';

/** `inputBitWidth` with prefix `input` → `bitWidth`; null when the name lacks the prefix. */
export function stripPrefix(name: string, prefix: string): string | null {
  if (prefix === '') return name;
  if (!name.startsWith(prefix) || name.length === prefix.length) return null;
  const rest = name.slice(prefix.length);
  const first = rest[0] as string;
  if (first !== first.toUpperCase() || first === first.toLowerCase()) return null;
  return first.toLowerCase() + rest.slice(1);
}

/** The overrides for one quantizer: options with its prefix, prefix removed. */
export function quantizerOverrides(options: Readonly<Record<string, unknown>>, prefix: string, exclude: ReadonlySet<string>): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (exclude.has(name)) continue;
    const attribute = stripPrefix(name, prefix);
    if (attribute !== null) overrides[attribute] = value;
  }
  return overrides;
}

/** A quantizer with overrides applied (or null when the quantizer is disabled). */
export function applyOverrides(quant: Injector | null, overrides: Record<string, unknown>): Injector | null {
  if (!quant) return null;
  return Object.keys(overrides).length > 0 ? quant.let(overrides) : quant;
}

/**
 * Refuse options nobody used: each must be one of the layer's own, or an attribute that some
 * quantizer's build resolved (through its prefix).
 */
export function checkOptionsUsed(
  layerName: string,
  options: Readonly<Record<string, unknown>>,
  layerKeys: ReadonlySet<string>,
  proxies: ReadonlyArray<{ prefix: string; proxy: QuantProxyFromInjector; name: string }>,
): void {
  for (const name of Object.keys(options)) {
    if (layerKeys.has(name)) continue;
    const used = proxies.some(({ prefix, proxy }) => {
      const attribute = stripPrefix(name, prefix);
      return attribute !== null && proxy.consumedAttributes().has(attribute);
    });
    if (!used) {
      const quantizers = proxies
        .map(({ name: proxyName, proxy }) => `${proxyName}: ${proxy.quantInjector ? proxy.quantInjector.name : 'disabled'}`)
        .join(', ');
      throw new ConfigurationError(
        `${layerName}: option '${name}' is not used by the layer or any of its quantizers (${quantizers}). ` +
          'Check its spelling and prefix (e.g. inputBitWidth for the input quantizer), or enable the quantizer it belongs to.',
      );
    }
  }
}
