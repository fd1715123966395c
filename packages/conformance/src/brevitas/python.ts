/**
 * The little Python the fixtures contain: `code` strings of errors.json
 * (`QuantIdentity(bit_width=1.5)`, `QuantSigmoid(act_quant=None, return_quant_tensor=True)(quant_tensor)`,
 * `IntQuantTensor(value=0.3, scale=1, zp=0, bw=8).int()`, `shifted_qt * shifted_qt`), parsed into a
 * small syntax tree; and Brevitas names and messages in TypeScript spelling.
 */
import { brevitasToParvusName } from '@parvus/core';

export type PyNode =
  | { readonly kind: 'number'; readonly value: number; /** written with a '.' or exponent: a Python float */ readonly isFloat: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'constant'; readonly value: boolean | null }
  | { readonly kind: 'name'; readonly id: string }
  | { readonly kind: 'tuple' | 'list'; readonly items: readonly PyNode[] }
  | { readonly kind: 'call'; readonly callee: PyNode; readonly args: readonly PyNode[]; readonly kwargs: ReadonlyArray<readonly [string, PyNode]> }
  | { readonly kind: 'attribute'; readonly object: PyNode; readonly name: string }
  | { readonly kind: 'binary'; readonly op: string; readonly left: PyNode; readonly right: PyNode };

interface Token {
  readonly type: 'number' | 'string' | 'name' | 'punct';
  readonly text: string;
  /** Whitespace came before it (a '(' after a space starts a note, not a call). */
  readonly spaced: boolean;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+\.\d*(?:[eE][-+]?\d+)?|\d*\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[()[\],=.+\-*/@]))/y;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    pattern.lastIndex = index;
    const m = pattern.exec(source);
    if (!m) {
      // Not Python (a note's prose): one opaque token the parser fails on if it gets there.
      tokens.push({ type: 'punct', text: source.slice(index).trim(), spaced: /^\s/.test(source.slice(index)) });
      break;
    }
    const spaced = /^\s/.test(m[0]);
    index = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ type: 'number', text: m[1], spaced });
    else if (m[2] !== undefined) tokens.push({ type: 'string', text: m[2], spaced });
    else if (m[3] !== undefined) tokens.push({ type: 'name', text: m[3], spaced });
    else tokens.push({ type: 'punct', text: m[4] as string, spaced });
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): PyNode {
    const node = this.expression();
    if (this.position !== this.tokens.length) this.fail('unexpected trailing input');
    return node;
  }

  /** Parse an expression; what follows it must be a note: '(' after whitespace. */
  parseWithNote(): PyNode {
    const node = this.expression();
    const next = this.tokens[this.position];
    if (next && !(next.text === '(' && next.spaced)) this.fail('unexpected trailing input');
    return node;
  }

  private fail(what: string): never {
    const near = this.tokens.slice(this.position, this.position + 3).map((t) => t.text).join(' ');
    throw new Error(`python: ${what} near '${near}' in ${JSON.stringify(this.source)}`);
  }

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.position];
    if (text !== undefined && token?.text !== text) return undefined;
    return token;
  }

  private take(text: string): void {
    if (!this.peek(text)) this.fail(`expected '${text}'`);
    this.position++;
  }

  private expression(): PyNode {
    let left = this.unary();
    for (let op = this.peek(); op && op.type === 'punct' && ['+', '-', '*', '/', '@'].includes(op.text); op = this.peek()) {
      this.position++;
      left = { kind: 'binary', op: op.text, left, right: this.unary() };
    }
    return left;
  }

  private unary(): PyNode {
    if (this.peek('-')) {
      this.position++;
      const operand = this.unary();
      if (operand.kind === 'number') return { ...operand, value: -operand.value };
      return { kind: 'binary', op: '-', left: { kind: 'number', value: 0, isFloat: false }, right: operand };
    }
    return this.postfix();
  }

  private postfix(): PyNode {
    let node = this.primary();
    for (;;) {
      const open = this.peek('(');
      if (open && !open.spaced) {
        this.position++;
        const args: PyNode[] = [];
        const kwargs: Array<readonly [string, PyNode]> = [];
        while (!this.peek(')')) {
          const token = this.peek();
          if (token?.type === 'name' && this.tokens[this.position + 1]?.text === '=') {
            this.position += 2;
            kwargs.push([token.text, this.expression()]);
          } else {
            if (kwargs.length > 0) this.fail('positional argument after keyword argument');
            args.push(this.expression());
          }
          if (!this.peek(')')) this.take(',');
        }
        this.take(')');
        node = { kind: 'call', callee: node, args, kwargs };
      } else if (this.peek('.')) {
        this.position++;
        const name = this.peek();
        if (name?.type !== 'name') this.fail('expected an attribute name');
        this.position++;
        node = { kind: 'attribute', object: node, name: name.text };
      } else {
        return node;
      }
    }
  }

  private sequence(close: string): PyNode[] {
    const items: PyNode[] = [];
    while (!this.peek(close)) {
      items.push(this.expression());
      if (!this.peek(close)) this.take(',');
    }
    this.take(close);
    return items;
  }

  private primary(): PyNode {
    const token = this.peek();
    if (!token) this.fail('unexpected end');
    this.position++;
    if (token.type === 'number') {
      const isFloat = /[.eE]/.test(token.text);
      return { kind: 'number', value: Number(token.text), isFloat };
    }
    if (token.type === 'string') return { kind: 'string', value: token.text.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (token.type === 'name') {
      if (token.text === 'True') return { kind: 'constant', value: true };
      if (token.text === 'False') return { kind: 'constant', value: false };
      if (token.text === 'None') return { kind: 'constant', value: null };
      return { kind: 'name', id: token.text };
    }
    if (token.text === '(') {
      // A parenthesised expression, or a tuple (a trailing comma or several items).
      const start = this.position;
      const items = this.sequence(')');
      const hasComma = this.tokens.slice(start, this.position - 1).some((t, i, all) => t.text === ',' && depthAt(all, i) === 0);
      return items.length === 1 && !hasComma ? (items[0] as PyNode) : { kind: 'tuple', items };
    }
    if (token.text === '[') return { kind: 'list', items: this.sequence(']') };
    this.fail(`unexpected '${token.text}'`);
  }
}

/** Bracket depth of token i within a token slice (for telling `(x)` from `(x,)`). */
function depthAt(tokens: readonly Token[], index: number): number {
  let depth = 0;
  for (let i = 0; i < index; i++) {
    const text = (tokens[i] as Token).text;
    if (text === '(' || text === '[') depth++;
    else if (text === ')' || text === ']') depth--;
  }
  return depth;
}

/** Parse one Python expression (throws with the position when it is not one). */
export function parsePython(source: string): PyNode {
  return new Parser(tokenize(source), source).parse();
}

/**
 * The Python of a fixture's `code`, which may end in a parenthesised note after a space
 * (`QuantIdentity(bit_width=1.5)  (BitWidthConst asserts ...)`, `TruncAvgPool2d(2)(x) (return_quant_tensor=True by default)`);
 * null when the code is prose rather than Python.
 */
export function parseCode(code: string): PyNode | null {
  try {
    return new Parser(tokenize(code), code).parseWithNote();
  } catch {
    return null;
  }
}

/** A Brevitas (snake_case) name in Parvus spelling: `return_quant_tensor` → `returnQuantTensor`. */
export function camelName(name: string): string {
  return brevitasToParvusName(name);
}

/**
 * A Brevitas message in TypeScript spelling: every snake_case identifier becomes camelCase
 * (`can not resolve attribute 'max_val' while building 'scaling_init_impl'` → `'maxVal' …
 * 'scalingInitImpl'`, `permute_dims()` → `permuteDims()`); class names and prose stay.
 */
export function typescriptSpelling(message: string): string {
  return message.replace(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g, (word) => word.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
}
