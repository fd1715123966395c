import { Module } from '../module.js';
import { checkOptionKeys } from '../options.js';

/** Returns its input, whatever it is (torch.nn.Identity). Takes no options. */
export class Identity extends Module {
  constructor(options?: Record<string, never>) {
    super();
    checkOptionKeys('Identity', options, []);
  }

  forward<T>(input: T): T {
    return input;
  }
}
