/**
 * The exporter's error: a module that cannot become an ONNX graph. It names the layer (module path
 * and class) and, when the problem sits inside one of the layer's quantizers, the exact submodule.
 */
import { ParvusError } from '@parvus/core';

/** Where in the module tree a kernel ran, as the exporter reports it. */
export interface ModuleScope {
  /** Dotted path of the innermost module running ('' for the root). */
  readonly path: string;
  /** Its class name. */
  readonly type: string;
  /** The layer the user wrote: the innermost module above any quant proxy. */
  readonly layer: string;
  readonly layerType: string;
}

function describe(scope: ModuleScope): string {
  const layer = `layer '${scope.layer === '' ? '(root)' : scope.layer}' (${scope.layerType})`;
  if (scope.path === scope.layer) return layer;
  return `${layer}, in '${scope.path}' (${scope.type})`;
}

export class ExportError extends ParvusError {
  /** The layer's module path ('' for the root), or null when no layer is involved. */
  readonly layer: string | null;
  readonly layerType: string | null;
  /** The innermost module path, or null. */
  readonly modulePath: string | null;
  /** Why the export failed, without the location. */
  readonly reason: string;

  constructor(reason: string, scope: ModuleScope | null = null, options: { cause?: unknown } = {}) {
    super(scope ? `Cannot export ${describe(scope)} to ONNX: ${reason}` : `Cannot export to ONNX: ${reason}`, options);
    this.reason = reason;
    this.layer = scope?.layer ?? null;
    this.layerType = scope?.layerType ?? null;
    this.modulePath = scope?.path ?? null;
  }
}
