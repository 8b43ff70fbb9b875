import schemaJson from '../../schemas/trainlens.schema.json';

/** The subset of JSON Schema the TrainLens schema uses; enough to walk it for completion, hover and docs. */
export interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly enum?: readonly unknown[];
  readonly enumDescriptions?: readonly string[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
}

/** The training-config schema (schemas/trainlens.schema.json), the one source of truth. */
export const CONFIG_SCHEMA = schemaJson as unknown as SchemaNode & { readonly $id: string };

/** The schema node describing the value at `path` (keys and indices), if the schema knows it. */
export function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = CONFIG_SCHEMA;
  for (const segment of path) {
    if (!node) return undefined;
    node = typeof segment === 'number' ? node.items : node.properties?.[segment];
  }
  return node;
}

/** A human description of a node's allowed range, e.g. `1 ≤ value ≤ 65536`, or undefined when unbounded. */
export function describeRange(node: SchemaNode): string | undefined {
  const low =
    node.minimum !== undefined
      ? `${node.minimum} ≤ `
      : node.exclusiveMinimum !== undefined
        ? `${node.exclusiveMinimum} < `
        : '';
  const high =
    node.maximum !== undefined
      ? ` ≤ ${node.maximum}`
      : node.exclusiveMaximum !== undefined
        ? ` < ${node.exclusiveMaximum}`
        : '';
  return low || high ? `${low}value${high}` : undefined;
}
