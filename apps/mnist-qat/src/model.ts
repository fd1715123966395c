/**
 * LeNet-5 for 28×28 MNIST digits, as PyTorch's examples and Brevitas's LeNet tutorials lay it out:
 *
 *   quantInput → conv1 Conv2d(1, 6, 5) → relu1 → pool1 MaxPool2d(2) → conv2 Conv2d(6, 16, 5) → relu2
 *   → pool2 MaxPool2d(2) → flatten → fc1 Linear(256, 120) → relu3 → fc2 Linear(120, 84) → relu4
 *   → fc3 Linear(84, 10)
 *
 * The layers come from a `LeNet5Layers` factory: float layers (`quantInput` is an Identity), or the
 * quantized ones of `quant-layers.ts` (QuantIdentity, QuantConv2d, QuantReLU, QuantLinear). The
 * weight and bias keys (`conv1.weight`, `fc3.bias`, …) are the same in both, so a float state dict
 * loads into a quantized LeNet-5; the quantized one adds its quantizers' learned scales.
 */
import { nn } from '@parvus/core';
import type { Conv2dOptions, Generator, LinearOptions, Module, Tensor } from '@parvus/core';

/** The weighted layers, by module name. */
export const WEIGHT_LAYERS = ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'] as const;
export type WeightLayerName = (typeof WEIGHT_LAYERS)[number];

/** The activations, by module name. */
export type ActivationName = 'relu1' | 'relu2' | 'relu3' | 'relu4';

/** How LeNet-5 makes its input stage, weighted layers and activations. */
export interface LeNet5Layers {
  /** A short name for reports ('float', 'w4a4', …). */
  readonly name: string;
  /** What the images go through first (an Identity, or the input quantizer). */
  input(): Module;
  conv2d(options: Conv2dOptions, layer: WeightLayerName): Module;
  linear(options: LinearOptions, layer: WeightLayerName): Module;
  activation(layer: ActivationName): Module;
}

/** Core's float layers. */
export const floatLayers: LeNet5Layers = {
  name: 'float',
  input: () => new nn.Identity(),
  conv2d: (options) => new nn.Conv2d(options),
  linear: (options) => new nn.Linear(options),
  activation: () => new nn.ReLU(),
};

export interface LeNet5Options {
  /** Layer factory (default: float layers). */
  layers?: LeNet5Layers;
  /** Draw the initial weights from this generator (default: core's default generator). */
  generator?: Generator;
}

export const NUM_CLASSES = 10;

export class LeNet5 extends nn.Module {
  readonly layers: LeNet5Layers;
  readonly quantInput: Module;
  readonly conv1: Module;
  readonly relu1: Module;
  readonly pool1: Module;
  readonly conv2: Module;
  readonly relu2: Module;
  readonly pool2: Module;
  readonly flatten: Module;
  readonly fc1: Module;
  readonly relu3: Module;
  readonly fc2: Module;
  readonly relu4: Module;
  readonly fc3: Module;

  constructor(options: LeNet5Options = {}) {
    super();
    const layers = options.layers ?? floatLayers;
    const generator = options.generator;
    const withGenerator = <O extends object>(o: O): O => (generator ? { ...o, generator } : o);
    this.layers = layers;
    // Registration order is construction order: the weights are drawn in PyTorch's order.
    this.quantInput = this.registerModule('quantInput', layers.input());
    this.conv1 = this.registerModule('conv1', layers.conv2d(withGenerator({ inChannels: 1, outChannels: 6, kernelSize: 5 }), 'conv1'));
    this.relu1 = this.registerModule('relu1', layers.activation('relu1'));
    this.pool1 = this.registerModule('pool1', new nn.MaxPool2d({ kernelSize: 2 }));
    this.conv2 = this.registerModule('conv2', layers.conv2d(withGenerator({ inChannels: 6, outChannels: 16, kernelSize: 5 }), 'conv2'));
    this.relu2 = this.registerModule('relu2', layers.activation('relu2'));
    this.pool2 = this.registerModule('pool2', new nn.MaxPool2d({ kernelSize: 2 }));
    this.flatten = this.registerModule('flatten', new nn.Flatten());
    this.fc1 = this.registerModule('fc1', layers.linear(withGenerator({ inFeatures: 16 * 4 * 4, outFeatures: 120 }), 'fc1'));
    this.relu3 = this.registerModule('relu3', layers.activation('relu3'));
    this.fc2 = this.registerModule('fc2', layers.linear(withGenerator({ inFeatures: 120, outFeatures: 84 }), 'fc2'));
    this.relu4 = this.registerModule('relu4', layers.activation('relu4'));
    this.fc3 = this.registerModule('fc3', layers.linear(withGenerator({ inFeatures: 84, outFeatures: NUM_CLASSES }), 'fc3'));
  }

  /**
   * Logits [N, 10] of images [N, 1, 28, 28]. In a quantized LeNet-5 the values between layers are
   * QuantTensors (max-pooling and flattening keep their metadata); the last layer returns a plain
   * tensor.
   */
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const layer of this.children()) x = layer.forward(x);
    return x as Tensor;
  }

  /** The five weighted layers, by name. */
  weightLayers(): Array<[WeightLayerName, Module]> {
    return WEIGHT_LAYERS.map((name) => [name, this[name]]);
  }

  /** The weight tensors of the five weighted layers, by state-dict name (for histograms). */
  namedWeights(): Array<[string, Tensor]> {
    return this.weightLayers().map(([name, layer]) => [`${name}.weight`, layer.getParameter('weight')]);
  }

  /** Number of trainable values (44,426 for the float LeNet-5; quantizers add their learned scales). */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }
}
