/**
 * A small ONNX ModelProto writer over protobufjs's `Writer`, for test fixtures: the subset of onnx.proto that small
 * hand-made models need (graphs, nodes with attributes and subgraphs, raw, string and external-data tensors, value
 * infos with symbolic dims, model-local functions). Field numbers as in src/engine/onnx/modelProto.ts.
 */
import { Writer } from 'protobufjs/minimal';

/** TensorProto.DataType values the fixtures use. */
export const FLOAT = 1;
export const INT64 = 7;
export const STRING = 8;

/** A tensor: raw bytes, strings, or data in another file. */
export interface TensorSpec {
  readonly name: string;
  readonly dataType: number;
  readonly dims: readonly number[];
  readonly raw?: Uint8Array;
  readonly strings?: readonly string[];
  readonly external?: { readonly location: string; readonly offset?: number; readonly length?: number };
}

/** A graph input or output; a string dim is symbolic. */
export interface ValueSpec {
  readonly name: string;
  readonly elemType: number;
  readonly shape: ReadonlyArray<number | string>;
}

/** A node attribute: one of the kinds below. */
export interface AttributeSpec {
  readonly name: string;
  readonly int?: number;
  readonly string?: string;
  readonly graph?: GraphSpec;
  readonly tensor?: TensorSpec;
}

/** A node. */
export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: readonly AttributeSpec[];
}

/** A graph. */
export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly TensorSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
}

/** A model-local function. */
export interface FunctionSpec {
  readonly name: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly nodes: readonly NodeSpec[];
  readonly opsets: ReadonlyArray<{ readonly domain: string; readonly version: number }>;
}

/** A model. */
export interface ModelSpec {
  readonly irVersion: number;
  readonly producer?: string;
  readonly opsets: ReadonlyArray<{ readonly domain: string; readonly version: number }>;
  readonly graph: GraphSpec;
  readonly functions?: readonly FunctionSpec[];
}

const VARINT = 0;
const BYTES = 2;

function tag(w: Writer, field: number, wire: number): Writer {
  return w.uint32((field << 3) | wire);
}

function text(w: Writer, field: number, value: string): void {
  tag(w, field, BYTES).string(value);
}

function int(w: Writer, field: number, value: number): void {
  tag(w, field, VARINT).int64(value);
}

function message(w: Writer, field: number, body: (w: Writer) => void): void {
  tag(w, field, BYTES).fork();
  body(w);
  w.ldelim();
}

function tensor(w: Writer, spec: TensorSpec): void {
  for (const dim of spec.dims) int(w, 1, dim);
  int(w, 2, spec.dataType);
  for (const value of spec.strings ?? []) tag(w, 6, BYTES).bytes(Buffer.from(value, 'utf8'));
  text(w, 8, spec.name);
  if (spec.raw) tag(w, 9, BYTES).bytes(spec.raw);
  if (spec.external) {
    const entries: Array<[string, string]> = [['location', spec.external.location]];
    if (spec.external.offset !== undefined) entries.push(['offset', String(spec.external.offset)]);
    if (spec.external.length !== undefined) entries.push(['length', String(spec.external.length)]);
    for (const [key, value] of entries)
      message(w, 13, (e) => {
        text(e, 1, key);
        text(e, 2, value);
      });
    int(w, 14, 1);
  }
}

function valueInfo(w: Writer, spec: ValueSpec): void {
  text(w, 1, spec.name);
  message(w, 2, (type) =>
    message(type, 1, (tensorType) => {
      int(tensorType, 1, spec.elemType);
      message(tensorType, 2, (shape) => {
        for (const dim of spec.shape)
          message(shape, 1, (d) => (typeof dim === 'number' ? int(d, 1, dim) : text(d, 2, dim)));
      });
    }),
  );
}

function attribute(w: Writer, spec: AttributeSpec): void {
  text(w, 1, spec.name);
  if (spec.int !== undefined) {
    int(w, 3, spec.int);
    int(w, 20, 2);
  } else if (spec.string !== undefined) {
    tag(w, 4, BYTES).bytes(Buffer.from(spec.string, 'utf8'));
    int(w, 20, 3);
  } else if (spec.tensor) {
    const value = spec.tensor;
    message(w, 5, (t) => tensor(t, value));
    int(w, 20, 4);
  } else if (spec.graph) {
    const value = spec.graph;
    message(w, 6, (g) => graph(g, value));
    int(w, 20, 5);
  }
}

function node(w: Writer, spec: NodeSpec): void {
  for (const input of spec.inputs) text(w, 1, input);
  for (const output of spec.outputs) text(w, 2, output);
  if (spec.name !== undefined) text(w, 3, spec.name);
  text(w, 4, spec.opType);
  for (const attr of spec.attributes ?? []) message(w, 5, (a) => attribute(a, attr));
  if (spec.domain !== undefined) text(w, 7, spec.domain);
}

function graph(w: Writer, spec: GraphSpec): void {
  for (const n of spec.nodes) message(w, 1, (m) => node(m, n));
  text(w, 2, spec.name);
  for (const t of spec.initializers ?? []) message(w, 5, (m) => tensor(m, t));
  for (const input of spec.inputs) message(w, 11, (m) => valueInfo(m, input));
  for (const output of spec.outputs) message(w, 12, (m) => valueInfo(m, output));
}

function opset(w: Writer, spec: { readonly domain: string; readonly version: number }): void {
  text(w, 1, spec.domain);
  int(w, 2, spec.version);
}

/** The bytes of a ModelProto. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = Writer.create();
  int(w, 1, spec.irVersion);
  if (spec.producer !== undefined) text(w, 2, spec.producer);
  message(w, 7, (g) => graph(g, spec.graph));
  for (const entry of spec.opsets) message(w, 8, (o) => opset(o, entry));
  for (const fn of spec.functions ?? [])
    message(w, 25, (f) => {
      text(f, 1, fn.name);
      for (const input of fn.inputs) text(f, 4, input);
      for (const output of fn.outputs) text(f, 5, output);
      for (const n of fn.nodes) message(f, 7, (m) => node(m, n));
      for (const entry of fn.opsets) message(f, 9, (o) => opset(o, entry));
      text(f, 10, fn.domain);
    });
  return w.finish();
}

/** Little-endian float32 bytes of `values`. */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

/** `count` seeded uniform values in [-scale, scale] (mulberry32), the same on every machine. */
export function seededUniform(count: number, seed: number, scale: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    values[i] = (unit * 2 - 1) * scale;
  }
  return values;
}
