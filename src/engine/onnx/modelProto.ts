/**
 * Reads what TrainLens needs from an ONNX ModelProto's bytes, field numbers mapped by hand from onnx.proto (see the
 * table below), without decoding the weights: raw_data and packed data are skipped and only their lengths kept.
 * The main graph gives the inputs, outputs, node and initializer counts; every graph (subgraphs of If, Loop, Scan
 * and the bodies of model-local functions) gives op types, nodes in other domains and external-data references.
 *
 * onnx.proto field numbers used here and in tensorProto.ts and valueInfo.ts:
 *   ModelProto        ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8, functions 25
 *   OperatorSetIdProto domain 1, version 2
 *   FunctionProto     name 1, node 7, domain 10
 *   GraphProto        node 1, initializer 5, input 11, output 12, sparse_initializer 15
 *   NodeProto         name 3, op_type 4, attribute 5, domain 7
 *   AttributeProto    name 1, t 5, g 6, tensors 10, graphs 11
 *   TensorProto       dims 1, data_type 2, float_data 4, int32_data 5, string_data 6, int64_data 7, name 8,
 *                     raw_data 9, double_data 10, uint64_data 11, external_data 13, data_location 14 (1 EXTERNAL)
 *   StringStringEntryProto key 1, value 2
 *   SparseTensorProto values 1, indices 2
 *   ValueInfoProto    name 1, type 2
 *   TypeProto         tensor_type 1, sequence_type 4, map_type 5, opaque_type 7, sparse_tensor_type 8, optional_type 9
 *   TypeProto.Tensor  elem_type 1, shape 2;  TensorShapeProto dim 1;  Dimension dim_value 1, dim_param 2
 */
import type { OnnxValueInfo } from '../../protocol/onnx';
import { type ExternalRef, readSparseTensor, readTensor } from './tensorProto';
import { readValueInfo } from './valueInfo';
import { BYTES, VARINT, WireError, WireReader } from './wire';

export type { ExternalRef } from './tensorProto';

/** The name of the default domain in summaries (the file may say `` or `ai.onnx`). */
export const ONNX_DOMAIN = 'ai.onnx';

/** Graphs nested deeper than protobuf's own default recursion limit are refused (a hostile file, not a model). */
const MAX_DEPTH = 100;

/** A node, by where it is: the first of its (domain, op type) in the file. */
export interface NodeRef {
  readonly domain: string;
  readonly opType: string;
  readonly name: string;
  /** Its index in its graph. */
  readonly index: number;
  /** `the main graph`, `subgraph "then_branch" of node 3 of the main graph`, `function "F"`. */
  readonly graph: string;
}

/** What the reader found in the bytes. */
export interface ParsedModel {
  irVersion: number;
  producer: string | undefined;
  hasGraph: boolean;
  opsets: Array<{ domain: string; version: number }>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: number;
  opTypes: Map<string, { opType: string; domain: string; count: number }>;
  /** The first node of each (domain, op type) outside the default domain, the main graph's and functions' alike. */
  otherDomainNodes: Map<string, NodeRef>;
  /** `domain\0name` of the model-local functions (nodes calling them are not custom ops). */
  functions: Set<string>;
  initializers: { count: number; bytes: number };
  external: ExternalRef[];
}

/** The key of a (domain, op type) pair. */
export function opKey(domain: string, opType: string): string {
  return `${domain}\0${opType}`;
}

/** `ai.onnx` for the default domain, whichever way the file writes it. */
function normalizeDomain(domain: string): string {
  return domain === '' ? ONNX_DOMAIN : domain;
}

/** Parses a whole ModelProto; throws {@link WireError} where the bytes stop being one. */
export function parseModel(bytes: Uint8Array): ParsedModel {
  const model: ParsedModel = {
    irVersion: 0,
    producer: undefined,
    hasGraph: false,
    opsets: [],
    inputs: [],
    outputs: [],
    nodes: 0,
    opTypes: new Map(),
    otherDomainNodes: new Map(),
    functions: new Set(),
    initializers: { count: 0, bytes: 0 },
    external: [],
  };
  const parser = new ModelParser(new WireReader(bytes), model);
  try {
    parser.parse();
  } catch (error) {
    throw asWireError(error, parser.where);
  }
  return model;
}

/**
 * Any failure of the parse as a {@link WireError} saying where it happened: protobufjs throws a RangeError when a
 * value runs past the end of the bytes (a cut-off file) and an Error for bad varints, tags and lengths.
 */
function asWireError(error: unknown, where: string): WireError {
  const wire =
    error instanceof WireError
      ? error
      : error instanceof RangeError && /index out of range/.test(error.message)
        ? new WireError('truncated', 'a value runs past the end of the file', -1)
        : new WireError('malformed', error instanceof Error ? error.message : String(error), -1);
  wire.where = where;
  return wire;
}

/** One pass over the bytes, filling `model`. */
class ModelParser {
  /** What is being read, for errors: `node 3 of the main graph`, `initializer "W"`. */
  where = 'the model';
  private producerName: string | undefined;
  private producerVersion: string | undefined;

  constructor(
    private readonly w: WireReader,
    private readonly model: ParsedModel,
  ) {}

  parse(): void {
    const { w, model } = this;
    w.fields(w.length, (field, wire, offset) => {
      if (field === 1) {
        w.expect(wire, VARINT, field, offset, 'ModelProto');
        model.irVersion = w.int64();
      } else if (field === 2 || field === 3) {
        w.expect(wire, BYTES, field, offset, 'ModelProto');
        if (field === 2) this.producerName = w.text(offset);
        else this.producerVersion = w.text(offset);
      } else if (field === 7) {
        w.expect(wire, BYTES, field, offset, 'ModelProto');
        model.hasGraph = true;
        this.where = 'the main graph';
        this.graph(w.lengthDelimited(offset), 'the main graph', 0, true, true);
      } else if (field === 8) {
        w.expect(wire, BYTES, field, offset, 'ModelProto');
        this.where = 'the opset imports';
        this.opset(w.lengthDelimited(offset));
      } else if (field === 25) {
        w.expect(wire, BYTES, field, offset, 'ModelProto');
        this.where = 'a model-local function';
        this.function(w.lengthDelimited(offset));
      } else w.skip(wire, field, offset);
    });
    const producer = [this.producerName, this.producerVersion].filter((part) => part).join(' ');
    if (producer) model.producer = producer;
  }

  private opset(end: number): void {
    const { w } = this;
    let domain = '';
    let version = 0;
    w.fields(end, (field, wire, offset) => {
      if (field === 1) {
        w.expect(wire, BYTES, field, offset, 'OperatorSetIdProto');
        domain = w.text(offset);
      } else if (field === 2) {
        w.expect(wire, VARINT, field, offset, 'OperatorSetIdProto');
        version = w.int64();
      } else w.skip(wire, field, offset);
    });
    this.model.opsets.push({ domain: normalizeDomain(domain), version });
  }

  private function(end: number): void {
    const { w } = this;
    let name = '';
    let domain = '';
    let nodes = 0;
    w.fields(end, (field, wire, offset) => {
      if (field === 1) {
        w.expect(wire, BYTES, field, offset, 'FunctionProto');
        name = w.text(offset);
      } else if (field === 10) {
        w.expect(wire, BYTES, field, offset, 'FunctionProto');
        domain = w.text(offset);
      } else if (field === 7) {
        w.expect(wire, BYTES, field, offset, 'FunctionProto');
        this.node(w.lengthDelimited(offset), `function "${name}"`, nodes++, 1, false);
      } else w.skip(wire, field, offset);
    });
    this.model.functions.add(opKey(normalizeDomain(domain), name));
  }

  /** A graph: the main one (`main`) keeps its inputs, outputs and counts; `countOps` is false in functions. */
  private graph(end: number, label: string, depth: number, main: boolean, countOps: boolean): void {
    const { w, model } = this;
    if (depth > MAX_DEPTH) throw new WireError('malformed', `graphs nested more than ${MAX_DEPTH} deep`, w.pos);
    const initializers = new Set<string>();
    const inputs: OnnxValueInfo[] = [];
    let nodes = 0;
    w.fields(end, (field, wire, offset) => {
      this.where = label;
      if (field === 1) {
        w.expect(wire, BYTES, field, offset, 'GraphProto');
        this.where = `node ${nodes} of ${label}`;
        this.node(w.lengthDelimited(offset), label, nodes++, depth, countOps);
      } else if (field === 5 || field === 15) {
        w.expect(wire, BYTES, field, offset, 'GraphProto');
        const tensorEnd = w.lengthDelimited(offset);
        this.where = `an initializer of ${label}`;
        const tensor =
          field === 5 ? readTensor(w, tensorEnd, true, model.external) : readSparseTensor(w, tensorEnd, model.external);
        if (main) {
          initializers.add(tensor.name);
          model.initializers.count++;
          model.initializers.bytes += tensor.bytes;
        }
      } else if ((field === 11 || field === 12) && main) {
        w.expect(wire, BYTES, field, offset, 'GraphProto');
        this.where = `the ${field === 11 ? 'inputs' : 'outputs'} of ${label}`;
        const value = readValueInfo(w, w.lengthDelimited(offset));
        (field === 11 ? inputs : model.outputs).push(value);
      } else w.skip(wire, field, offset);
    });
    if (!main) return;
    model.nodes = nodes;
    // ONNX Runtime's session inputs leave out the graph inputs that an initializer backs (their defaults).
    model.inputs = inputs.filter((input) => !initializers.has(input.name));
  }

  private node(end: number, graph: string, index: number, depth: number, countOps: boolean): void {
    const { w, model } = this;
    let name = '';
    let opType = '';
    let domain = '';
    this.where = `node ${index} of ${graph}`;
    w.fields(end, (field, wire, offset) => {
      if (field === 3 || field === 4 || field === 7) {
        w.expect(wire, BYTES, field, offset, 'NodeProto');
        const text = w.text(offset);
        if (field === 3) name = text;
        else if (field === 4) opType = text;
        else domain = text;
      } else if (field === 5) {
        w.expect(wire, BYTES, field, offset, 'NodeProto');
        const where = `node ${index}${name ? ` "${name}"` : ''} of ${graph}`;
        this.attribute(w.lengthDelimited(offset), where, depth, countOps);
      } else w.skip(wire, field, offset);
    });
    domain = normalizeDomain(domain);
    const key = opKey(domain, opType);
    if (countOps) {
      const entry = model.opTypes.get(key);
      if (entry) entry.count++;
      else model.opTypes.set(key, { opType, domain, count: 1 });
    }
    if (domain !== ONNX_DOMAIN && !model.otherDomainNodes.has(key))
      model.otherDomainNodes.set(key, { domain, opType, name, index, graph });
  }

  /** An attribute: only subgraphs and tensors (for their external data) matter here. */
  private attribute(end: number, node: string, depth: number, countOps: boolean): void {
    const { w } = this;
    let name = '';
    w.fields(end, (field, wire, offset) => {
      if (field === 1) {
        w.expect(wire, BYTES, field, offset, 'AttributeProto');
        name = w.text(offset);
      } else if (field === 6 || field === 11) {
        w.expect(wire, BYTES, field, offset, 'AttributeProto');
        this.graph(w.lengthDelimited(offset), `subgraph "${name}" of ${node}`, depth + 1, false, countOps);
      } else if (field === 5 || field === 10) {
        w.expect(wire, BYTES, field, offset, 'AttributeProto');
        readTensor(w, w.lengthDelimited(offset), false, this.model.external);
      } else w.skip(wire, field, offset);
    });
  }
}
