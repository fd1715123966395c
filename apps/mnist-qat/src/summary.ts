/** The end-of-run table: float vs each quantized configuration. */
import type { ExperimentResult } from './experiment.js';
import { ONNX_RUNTIME } from './onnx-export.js';
import type { ExportedModel } from './onnx-export.js';
import { describeActivations, describeWeights } from './quant-config.js';
import type { TrainingRun } from './run.js';

/** Rows of text, columns padded (numbers right-aligned). */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAligned: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

function pct(fraction: number | null): string {
  return fraction === null || !Number.isFinite(fraction) ? '—' : `${(100 * fraction).toFixed(2)}%`;
}

/** Float vs quantized held-out accuracy per configuration, with bit widths and training time. */
export function resultTable(result: ExperimentResult): string[] {
  const float = result.float;
  const row = (run: TrainingRun): string[] => {
    const delta = 100 * (run.finalTestAccuracy - float.finalTestAccuracy);
    const isFloat = run === float;
    return [
      run.config.name,
      describeWeights(run.config),
      describeActivations(run.config),
      run.config.inputBitWidth === null ? 'float' : `${run.config.inputBitWidth}-bit`,
      pct(run.finalTestAccuracy),
      isFloat ? '—' : `${delta >= 0 ? '+' : ''}${delta.toFixed(2)}`,
      pct(run.ptqTestAccuracy),
      isFloat && run.init !== 'random' ? 'loaded' : String(run.epochs.length),
      `${run.timings.totalSeconds.toFixed(1)} s`,
      run.timings.steps > 0 ? `${run.timings.meanStepMs.toFixed(1)} ms` : '—',
    ];
  };
  return formatTable(
    ['config', 'weights', 'activations', 'input', 'test acc', 'Δ vs float (pts)', 'PTQ acc', 'epochs', 'time', 'step'],
    [float, ...result.quantized].map(row),
    new Set([4, 5, 6, 7, 8, 9]),
  );
}

/**
 * The exported models beside Parvus: held-out accuracy of each, the difference in points, the
 * digits classified differently, and the median time per batch of each (measured on the same
 * batches, interleaved). Empty when nothing was exported.
 */
export function exportTable(result: ExperimentResult, exported: ReadonlyMap<string, ExportedModel | null>): string[] {
  const entries = [result.float, ...result.quantized].flatMap((run) => {
    const e = exported.get(run.config.name);
    return e ? [[run.config.name, e] as const] : [];
  });
  const first = entries[0]?.[1];
  if (!first) return [];
  const rows = entries.map(([name, e]) => [
    name,
    pct(e.frameworkTestAccuracy),
    pct(e.testAccuracy),
    `${e.deltaPoints >= 0 ? '+' : '−'}${Math.abs(e.deltaPoints).toFixed(2)}`,
    `${e.disagreements}/${e.testExamples}`,
    `${e.frameworkBatchMs.toFixed(2)} ms`,
    `${e.onnxBatchMs.toFixed(2)} ms`,
    `${(e.onnxBatchMs / e.frameworkBatchMs).toFixed(2)}×`,
  ]);
  return [
    `Exported (QCDQ ONNX in ${ONNX_RUNTIME}) vs Parvus (${first.backend} backend) on the held-out digits; median time per batch of ${first.batchSize}:`,
    ...formatTable(
      ['config', 'Parvus acc', 'ONNX acc', 'Δ (pts)', 'differing', 'Parvus batch', 'onnxruntime batch', 'ratio'],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
  ];
}
