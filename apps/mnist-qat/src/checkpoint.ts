/**
 * LeNet-5 checkpoints: the state dict as safetensors (weights, biases and, for a quantized model,
 * the quantizers' learned scales), with metadata naming the configuration, so that
 * `loadCheckpoint` rebuilds the same model, float or quantized, and loads it strictly.
 */
import { loadSafetensorsFile, saveSafetensorsFile } from '@parvus/core';
import { LeNet5 } from './model.js';
import { parseQuantConfig } from './quant-config.js';
import type { QuantConfig } from './quant-config.js';
import { quantLayers, quantizerNames } from './quant-layers.js';
import type { TrainingRun } from './run.js';

export const CHECKPOINT_FILE = 'lenet5.safetensors';

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** Write `run`'s model to `path`, with what `loadCheckpoint` needs to rebuild it. */
export async function saveCheckpoint(path: string, run: TrainingRun, created = new Date().toISOString()): Promise<void> {
  const { config } = run;
  await saveSafetensorsFile(path, run.model.stateDict(), {
    format: 'pt',
    model: 'LeNet-5',
    layers: config.name,
    weightBitWidth: String(config.weightBitWidth ?? 'float'),
    actBitWidth: String(config.actBitWidth ?? 'float'),
    inputBitWidth: String(config.inputBitWidth ?? 'float'),
    quantizers: JSON.stringify(quantizerNames(config)),
    init: run.init,
    backend: run.backend,
    epochs: String(run.epochs.length),
    seed: String(run.options.seed),
    testAccuracy: String(run.finalTestAccuracy),
    created,
  });
}

/** The model (in eval mode), its configuration and the file's metadata. The caller owns the model. */
export async function loadCheckpoint(path: string): Promise<{ model: LeNet5; config: QuantConfig; metadata: Record<string, string> }> {
  let contents: Awaited<ReturnType<typeof loadSafetensorsFile>>;
  try {
    contents = await loadSafetensorsFile(path);
  } catch (error) {
    throw new CheckpointError(`Cannot read the checkpoint '${path}': ${(error as Error).message}`);
  }
  const { tensors, metadata } = contents;
  try {
    if (metadata.model !== 'LeNet-5' || !metadata.layers) {
      throw new CheckpointError(`'${path}' is not a LeNet-5 checkpoint of this app (its metadata has model '${metadata.model ?? ''}', layers '${metadata.layers ?? ''}').`);
    }
    const inputBitWidth = metadata.inputBitWidth && metadata.inputBitWidth !== 'float' ? Number(metadata.inputBitWidth) : 8;
    const config = parseQuantConfig(metadata.layers, inputBitWidth);
    const model = new LeNet5(config.weightBitWidth === null ? {} : { layers: quantLayers(config) });
    try {
      model.loadStateDict(tensors);
    } catch (error) {
      model.dispose();
      throw new CheckpointError(`'${path}' does not fit a ${config.name} LeNet-5: ${(error as Error).message}`);
    }
    model.eval();
    return { model, config, metadata };
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}
