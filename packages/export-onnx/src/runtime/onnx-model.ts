/**
 * Running an exported model: an onnxruntime session (onnxruntime-web's wasm, in Node or a browser,
 * or onnxruntime-node where it is installed) with helpers to time a batch and to measure a
 * classifier's accuracy, so that a program can report the exported model beside Parvus's figures.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';

export type OnnxRuntimeName = 'wasm' | 'node';

/** The part of an onnxruntime module (web or node) used here. */
export interface OnnxRuntimeModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { logLevel?: string; wasm?: { numThreads?: number } };
}

export interface OnnxModelOptions {
  /** 'wasm' (onnxruntime-web, the default) or 'node' (onnxruntime-node, if installed). */
  runtime?: OnnxRuntimeName;
  /**
   * Threads (default 1). For wasm it is process-wide and takes effect when onnxruntime-web
   * initialises, i.e. at the first session.
   */
  numThreads?: number;
  /** onnxruntime's graph optimizations (default 'all'). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Let onnxruntime fuse DequantizeLinear → op → QuantizeLinear into its integer kernels
   * (QLinearConv, QGemm; default false). By default the weights' DequantizeLinear is folded into
   * float weights when the session loads (session.disable_quant_qdq), which computes the same
   * values and, on wasm, runs LeNet-5 about 1.7× faster than the integer kernels.
   */
  integerKernels?: boolean;
  /** Use this onnxruntime module instead of importing one. */
  module?: OnnxRuntimeModule;
}

/** Why a runtime cannot be used here. */
export class OnnxRuntimeUnavailableError extends Error {
  override readonly name = 'OnnxRuntimeUnavailableError';
}

async function importRuntime(runtime: OnnxRuntimeName): Promise<OnnxRuntimeModule> {
  if (runtime === 'wasm') return (await import('onnxruntime-web')) as unknown as OnnxRuntimeModule;
  try {
    // A variable specifier: onnxruntime-node is an optional peer dependency.
    const specifier = 'onnxruntime-node';
    return (await import(/* @vite-ignore */ specifier)) as OnnxRuntimeModule;
  } catch (error) {
    throw new OnnxRuntimeUnavailableError(
      `onnxruntime-node could not be imported (${(error as Error).message}); install it with ` +
        '`ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0`, or use the wasm runtime.',
    );
  }
}

export class OnnxModel {
  private constructor(
    private readonly ort: OnnxRuntimeModule,
    private readonly session: InferenceSession,
    readonly runtime: OnnxRuntimeName,
    readonly numThreads: number,
  ) {}

  /** A session for the model bytes. */
  static async load(model: Uint8Array, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    const runtime = options.runtime ?? 'wasm';
    if (runtime !== 'wasm' && runtime !== 'node') throw new TypeError(`OnnxModel.load: runtime must be 'wasm' or 'node', got ${String(runtime)}.`);
    const numThreads = options.numThreads ?? 1;
    if (!Number.isInteger(numThreads) || numThreads < 1) throw new TypeError(`OnnxModel.load: numThreads must be a positive integer, got ${numThreads}.`);
    const ort = options.module ?? (await importRuntime(runtime));
    ort.env.logLevel = 'error';
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: [runtime === 'wasm' ? 'wasm' : 'cpu'],
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      logSeverityLevel: 3,
    };
    if (!options.integerKernels) sessionOptions.extra = { session: { disable_quant_qdq: '1' } };
    if (runtime === 'wasm' && ort.env.wasm) ort.env.wasm.numThreads = numThreads;
    if (runtime === 'node') Object.assign(sessionOptions, { intraOpNumThreads: numThreads, interOpNumThreads: 1 });
    return new OnnxModel(ort, await ort.InferenceSession.create(model, sessionOptions), runtime, numThreads);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Every output for one float32 input. */
  async runAll(input: Float32Array, shape: readonly number[]): Promise<Map<string, { data: Float32Array; dims: readonly number[] }>> {
    const feeds = { [this.inputNames[0] as string]: new this.ort.Tensor('float32', input, shape) };
    const results = await this.session.run(feeds);
    const out = new Map<string, { data: Float32Array; dims: readonly number[] }>();
    for (const name of this.outputNames) {
      const tensor = results[name] as OrtTensor;
      out.set(name, { data: tensor.data as Float32Array, dims: tensor.dims });
    }
    return out;
  }

  /** The first output for one float32 input. */
  async run(input: Float32Array, shape: readonly number[]): Promise<Float32Array> {
    const results = await this.runAll(input, shape);
    return (results.get(this.outputNames[0] as string) as { data: Float32Array }).data;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export interface LatencyOptions {
  warmup?: number;
  runs?: number;
  /** Stop adding runs after this many milliseconds (at least 3 runs). */
  budgetMs?: number;
}

export interface Latency {
  medianMs: number;
  minMs: number;
  meanMs: number;
  runs: number;
}

function summarize(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { medianMs, minMs: sorted[0] as number, meanMs: times.reduce((a, b) => a + b, 0) / times.length, runs: times.length };
}

/**
 * Time of one run of the model on a batch: warm-up runs first (default 50, see
 * ClassifierEvaluationOptions.warmup), then median, min and mean of the timed runs.
 */
export async function measureLatency(model: OnnxModel, input: Float32Array, shape: readonly number[], options: LatencyOptions = {}): Promise<Latency> {
  const warmup = options.warmup ?? 50;
  const runs = options.runs ?? 50;
  const budget = options.budgetMs ?? 5000;
  for (let i = 0; i < warmup; i++) await model.run(input, shape);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < runs && (times.length < 3 || performance.now() - start < budget)) {
    const t0 = performance.now();
    await model.run(input, shape);
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

export interface ClassifierEvaluationOptions {
  /** Images per run (default 64; the last batch may be smaller). */
  batchSize?: number;
  /** Shape of one image, e.g. [1, 28, 28]. */
  sampleShape: readonly number[];
  /**
   * Untimed runs of the first batch before the timed pass (default 50): the JavaScript engine
   * compiles onnxruntime's WebAssembly with a fast baseline compiler first and optimizes it after a
   * few dozen runs.
   */
  warmup?: number;
}

export interface ClassifierEvaluation {
  /** Fraction of images whose highest logit is the label. */
  accuracy: number;
  correct: number;
  total: number;
  /** Time per full batch (batches of `batchSize` only). */
  batch: Latency;
  batchSize: number;
}

/** Accuracy of a classifier that maps [N, ...sampleShape] images to [N, classes] logits, and its time per batch. */
export async function evaluateClassifier(model: OnnxModel, images: Float32Array, labels: ArrayLike<number>, options: ClassifierEvaluationOptions): Promise<ClassifierEvaluation> {
  const batchSize = options.batchSize ?? 64;
  const sampleSize = options.sampleShape.reduce((p, d) => p * d, 1);
  const total = labels.length;
  if (images.length !== total * sampleSize) {
    throw new RangeError(`evaluateClassifier: ${images.length} values for ${total} images of shape [${options.sampleShape.join(', ')}].`);
  }
  const warmup = options.warmup ?? 50;
  const first = Math.min(batchSize, total);
  for (let i = 0; i < warmup && first > 0; i++) await model.run(images.subarray(0, first * sampleSize), [first, ...options.sampleShape]);
  let correct = 0;
  const times: number[] = [];
  for (let start = 0; start < total; start += batchSize) {
    const n = Math.min(batchSize, total - start);
    const batch = images.subarray(start * sampleSize, (start + n) * sampleSize);
    const t0 = performance.now();
    const logits = await model.run(batch, [n, ...options.sampleShape]);
    if (n === batchSize) times.push(performance.now() - t0);
    const classes = logits.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if ((logits[i * classes + c] as number) > (logits[i * classes + best] as number)) best = c;
      if (best === labels[start + i]) correct++;
    }
  }
  return { accuracy: correct / total, correct, total, batch: summarize(times.length > 0 ? times : [Number.NaN]), batchSize };
}
