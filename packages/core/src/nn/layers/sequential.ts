import type { Tensor } from '../../engine/tensor.js';
import { ValueError } from '../../errors/errors.js';
import { Module } from '../module.js';

/**
 * Modules applied in order, each to the previous one's output (torch.nn.Sequential). Children
 * are named "0", "1", … — or by the keys of an object passed instead: `new Sequential({ conv, relu })`.
 */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Readonly<Record<string, Module>>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module) && typeof first === 'object') {
      for (const [name, module] of Object.entries(first as Record<string, Module>)) this.registerChild(name, module);
    } else {
      (modules as Module[]).forEach((module, i) => this.registerChild(String(i), module));
    }
  }

  private registerChild(name: string, module: unknown): void {
    if (!(module instanceof Module)) {
      throw new ValueError(`Sequential: child '${name}' is not a Module (got ${module === null ? 'null' : typeof module}).`);
    }
    this.registerModule(name, module);
  }

  /** Number of children. */
  get length(): number {
    return this.children().length;
  }

  /** The child at `index` (negative counts from the end, as Python indexing). */
  at(index: number): Module {
    const children = this.children();
    const i = index < 0 ? index + children.length : index;
    const child = Number.isInteger(i) ? children[i] : undefined;
    if (!child) throw new ValueError(`Sequential: index ${index} is out of range for ${children.length} modules.`);
    return child;
  }

  /** Add a module at the end, named by its position. */
  append(module: Module): this {
    this.registerChild(String(this.namedChildren().length), module);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor;
  forward(input: unknown): unknown;
  forward(input: unknown): unknown {
    let x = input;
    for (const module of this.children()) x = module.forward(x);
    return x;
  }
}
