#!/usr/bin/env node
/**
 * The main job (first stage): a float LeNet-5 trained on real MNIST digits on the reference
 * backend, with a progress bar, printing the loss falling and the test accuracy.
 */
import * as P from '@parvus/core';
import '@parvus/backend-reference';
import { loadMnist } from './mnist-data.js';
import type { MnistSplit } from './mnist-data.js';
import { ProgressBar } from './progress.js';

interface Options {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { epochs: 2, batchSize: 64, learningRate: 0.05, seed: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    const set = (key: keyof Options): void => {
      if (!Number.isFinite(value)) throw new Error(`${flag} needs a number.`);
      options[key] = value;
      i++;
    };
    if (flag === '--epochs') set('epochs');
    else if (flag === '--batch-size') set('batchSize');
    else if (flag === '--lr') set('learningRate');
    else if (flag === '--seed') set('seed');
    else if (flag === '--') continue;
    else throw new Error(`Unknown option ${flag}. Options: --epochs N --batch-size N --lr X --seed N.`);
  }
  return options;
}

/** LeNet-5 parameters with PyTorch's default init: U(−1/√fan_in, 1/√fan_in). */
function lenetParameters(generator: P.Generator): Record<string, P.Tensor> {
  const layer = (shape: number[], fanIn: number): [P.Tensor, P.Tensor] => {
    const bound = 1 / Math.sqrt(fanIn);
    return [
      P.parameter(P.uniform(shape, -bound, bound, { generator })),
      P.parameter(P.uniform([shape[0] as number], -bound, bound, { generator })),
    ];
  };
  const [c1w, c1b] = layer([6, 1, 5, 5], 25);
  const [c2w, c2b] = layer([16, 6, 5, 5], 150);
  const [f1w, f1b] = layer([120, 256], 256);
  const [f2w, f2b] = layer([84, 120], 120);
  const [f3w, f3b] = layer([10, 84], 84);
  return { c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b };
}

function lenet(p: Record<string, P.Tensor>, x: P.Tensor): P.Tensor {
  const w = (name: string): P.Tensor => p[name] as P.Tensor;
  let h = P.maxPool2d(P.relu(P.conv2d(x, w('c1w'), w('c1b'))), 2);
  h = P.maxPool2d(P.relu(P.conv2d(h, w('c2w'), w('c2b'))), 2);
  h = P.flatten(h, 1);
  h = P.relu(P.linear(h, w('f1w'), w('f1b')));
  h = P.relu(P.linear(h, w('f2w'), w('f2b')));
  return P.linear(h, w('f3w'), w('f3b'));
}

function batch(split: MnistSplit, indices: ArrayLike<number>): { x: P.Tensor; y: P.Tensor } {
  const images = new Float32Array(indices.length * 784);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    images.set(split.images.subarray(index * 784, (index + 1) * 784), i * 784);
    labels[i] = split.labels[index] as number;
  }
  return { x: P.tensor(images, [indices.length, 1, 28, 28]), y: P.tensor(labels, [indices.length], 'int32') };
}

function accuracy(p: Record<string, P.Tensor>, split: MnistSplit): number {
  let correct = 0;
  for (let start = 0; start < split.count; start += 500) {
    const indices = Array.from({ length: Math.min(500, split.count - start) }, (_, i) => start + i);
    correct += P.tidy(() =>
      P.noGrad(() => {
        const { x, y } = batch(split, indices);
        return P.sum(P.cast(P.equal(P.argmax(lenet(p, x), 1), y), 'int32')).item();
      }),
    );
  }
  return correct / split.count;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  console.log(`Parvus ${P.getBackend()} backend · float LeNet-5 on MNIST · ${JSON.stringify(options)}`);
  const data = loadMnist();
  console.log(`MNIST: ${data.train.count} training and ${data.test.count} test digits (fixed split).`);
  const generator = new P.Generator(options.seed);
  const params = lenetParameters(generator);
  const velocity = new Map(Object.entries(params).map(([name, t]) => [name, P.keep(P.zerosLike(t))]));
  const stepsPerEpoch = Math.floor(data.train.count / options.batchSize);
  const losses: number[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = generator.shuffle(Array.from({ length: data.train.count }, (_, i) => i));
    const bar = new ProgressBar(`epoch ${epoch}/${options.epochs}`, stepsPerEpoch, 'step');
    let running = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const loss = P.tidy(() => {
        const { x, y } = batch(data.train, order.slice(step * options.batchSize, (step + 1) * options.batchSize));
        const l = P.crossEntropy(lenet(params, x), y);
        l.backward();
        P.noGrad(() => {
          // SGD with momentum 0.9, as torch.optim.SGD.
          for (const [name, param] of Object.entries(params)) {
            const v = velocity.get(name) as P.Tensor;
            v.assign(P.add(P.mul(v, 0.9), param.grad as P.Tensor));
            param.assign(P.sub(param, P.mul(v, options.learningRate)));
            param.grad?.dispose();
            param.grad = null;
          }
        });
        return l.item();
      });
      running = step === 0 ? loss : 0.95 * running + 0.05 * loss;
      losses.push(loss);
      bar.update(step + 1, { loss: running.toFixed(4) });
    }
    const acc = accuracy(params, data.test);
    console.log(`epoch ${epoch}: mean loss ${mean(losses.slice(-stepsPerEpoch)).toFixed(4)}, test accuracy ${(100 * acc).toFixed(2)}%`);
  }
  const first = mean(losses.slice(0, 20));
  const last = mean(losses.slice(-20));
  console.log(`loss fell from ${first.toFixed(4)} (first 20 steps) to ${last.toFixed(4)} (last 20 steps); live tensors ${P.memory().numTensors}`);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
}

main();
