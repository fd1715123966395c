/**
 * The graph the exporter builds before it is encoded: ONNX nodes, initializers, inputs and outputs,
 * with names chosen for reading in Netron (layer path / op).
 */

/** ONNX element types the exporter writes. */
export type OnnxElementType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16';

/** A dimension: a size, or a symbolic name (the batch). */
export type Dimension = number | string;

/**
 * An attribute value. Numbers are INT attributes, number arrays INTS, strings STRING; a float is
 * written `{ float: x }` because ONNX tells the two apart.
 */
export type AttributeValue = number | readonly number[] | string | { float: number };

export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  /** '' for the standard ONNX domain. */
  readonly domain: string;
  inputs: string[];
  readonly outputs: string[];
  readonly attributes: Record<string, AttributeValue>;
}

export interface Initializer {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

export interface ValueInfo {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly dims: readonly Dimension[];
}

/** Initializers with more elements than this are shared when identical. */
const SHARED_INITIALIZER_MIN_SIZE = 64;

/** 32-bit FNV-1a over the value bits, to find identical initializers quickly. */
function fingerprint(type: OnnxElementType, dims: readonly number[], values: ArrayLike<number>): string {
  let hash = 0x811c9dc5;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let i = 0; i < values.length; i++) {
    bits[0] = values[i] as number;
    hash = Math.imul(hash ^ (words[0] as number), 0x01000193);
    hash = Math.imul(hash ^ (words[1] as number), 0x01000193);
  }
  return `${type}|${dims.join('x')}|${values.length}|${hash >>> 0}`;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export class Graph {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  /** Opset version per domain ('' is ONNX). */
  readonly opsets = new Map<string, number>();
  private readonly names = new Set<string>();
  private readonly byFingerprint = new Map<string, Initializer[]>();
  private readonly producers = new Map<string, GraphNode>();

  constructor(readonly name: string) {}

  /** A name not used yet, derived from `hint`. */
  uniqueName(hint: string): string {
    const base = hint.replace(/\s+/g, '_') || 'value';
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  addInput(hint: string, type: OnnxElementType, dims: readonly Dimension[]): string {
    const name = this.uniqueName(hint);
    this.inputs.push({ name, type, dims });
    return name;
  }

  addOutput(name: string, type: OnnxElementType, dims: readonly Dimension[]): void {
    this.outputs.push({ name, type, dims });
  }

  /**
   * An initializer. A large one identical to an earlier one (a weight used twice) is reused; small
   * ones (scales, zero points, shapes) are not, so that each keeps the name of its layer.
   */
  addInitializer(hint: string, type: OnnxElementType, dims: readonly number[], values: ArrayLike<number>): string {
    const shared = values.length > SHARED_INITIALIZER_MIN_SIZE;
    const key = shared ? fingerprint(type, dims, values) : '';
    const candidates = shared ? this.byFingerprint.get(key) ?? [] : [];
    const existing = candidates.find((c) => sameValues(c.values, values));
    if (existing) return existing.name;
    const initializer: Initializer = { name: this.uniqueName(hint), type, dims: [...dims], values };
    if (shared) this.byFingerprint.set(key, [...candidates, initializer]);
    this.initializers.push(initializer);
    return initializer.name;
  }

  /** A node; returns its output names (`outputs` of them, named after `name`). */
  addNode(name: string, opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, options: { domain?: string; outputs?: number } = {}): string[] {
    const nodeName = this.uniqueName(name);
    const count = options.outputs ?? 1;
    const outputs = Array.from({ length: count }, (_, i) => this.uniqueName(count === 1 ? `${nodeName}_output` : `${nodeName}_output${i}`));
    const node: GraphNode = { name: nodeName, opType, domain: options.domain ?? '', inputs: [...inputs], outputs, attributes };
    this.nodes.push(node);
    for (const output of outputs) this.producers.set(output, node);
    return outputs;
  }

  /** The node that produces a value, if a node does. */
  producer(value: string): GraphNode | undefined {
    return this.producers.get(value);
  }

  /**
   * The nodes in an order where every input is produced before it is read (ONNX requires it; a bias
   * folded into a convolution is written after the convolution). Stable: nodes move only as far as
   * their inputs require.
   */
  topologicalNodes(): GraphNode[] {
    const order: GraphNode[] = [];
    const state = new Map<GraphNode, 'visiting' | 'done'>();
    const visit = (node: GraphNode): void => {
      const seen = state.get(node);
      if (seen === 'done') return;
      if (seen === 'visiting') throw new Error(`internal: the graph has a cycle through '${node.name}'`);
      state.set(node, 'visiting');
      for (const input of node.inputs) {
        const producer = this.producers.get(input);
        if (producer) visit(producer);
      }
      state.set(node, 'done');
      order.push(node);
    };
    for (const node of this.nodes) visit(node);
    return order;
  }
}
