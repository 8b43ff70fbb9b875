// Writes the ONNX test fixtures into test/fixtures/onnx/: `npx tsx scripts/make-onnx-fixtures.ts`.
// Small real models that ONNX Runtime loads (or, for the bad-input ones, refuses), made with the writer in
// onnxWriter.ts; the real models from ../shared/data/onnx/ are copied beside them when that folder is there, and
// truncated.onnx is cut from the copy of mnist.onnx. The output is the same bytes on every run (seeded weights).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, FLOAT, float32Bytes, type ModelSpec, type NodeSpec, seededUniform, STRING } from './onnxWriter';

/** Where the fixtures live. */
export const FIXTURE_DIR = join(__dirname, '..', 'test', 'fixtures', 'onnx');

/** The real models copied from ../shared/data/onnx/ (attribution in the README). */
export const COPIED_MODELS = ['mnist.onnx', 'light_squeezenet.onnx', 'light_resnet50.onnx', 'matmul_2d.onnx'];

const OPSETS = [{ domain: '', version: 17 }];
const PRODUCER = 'trainlens-fixtures';

/** The 16×16 weights external_data.onnx reads from weights.bin (which is not committed: the missing-file case). */
export function externalWeights(): Float32Array {
  return seededUniform(16 * 16, 14, 0.5);
}

/** x [batch, 64] → MatMul (64×64) → Relu → y [batch, 64]. */
function symbolicMatmul(): ModelSpec {
  return {
    irVersion: 8,
    producer: PRODUCER,
    opsets: OPSETS,
    graph: {
      name: 'symbolic_matmul',
      nodes: [
        { opType: 'MatMul', name: 'matmul', inputs: ['x', 'W'], outputs: ['h'] },
        { opType: 'Relu', name: 'relu', inputs: ['h'], outputs: ['y'] },
      ],
      initializers: [{ name: 'W', dataType: FLOAT, dims: [64, 64], raw: float32Bytes(seededUniform(64 * 64, 1, 0.3)) }],
      inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 64] }],
      outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 64] }],
    },
  };
}

/** x [batch, 256] feeding two independent chains of three MatMul (256×256) + Relu, joined by Add. */
function twoBranches(): ModelSpec {
  const nodes: NodeSpec[] = [];
  for (const branch of ['a', 'b']) {
    let input = 'x';
    for (let i = 1; i <= 3; i++) {
      nodes.push({
        opType: 'MatMul',
        name: `${branch}_matmul${i}`,
        inputs: [input, `W${branch}`],
        outputs: [`${branch}_h${i}`],
      });
      nodes.push({
        opType: 'Relu',
        name: `${branch}_relu${i}`,
        inputs: [`${branch}_h${i}`],
        outputs: [`${branch}_r${i}`],
      });
      input = `${branch}_r${i}`;
    }
  }
  nodes.push({ opType: 'Add', name: 'join', inputs: ['a_r3', 'b_r3'], outputs: ['y'] });
  // He-like scale: the activations neither vanish nor explode through three layers.
  const weights = (seed: number) => float32Bytes(seededUniform(256 * 256, seed, Math.sqrt(6 / 256)));
  return {
    irVersion: 8,
    producer: PRODUCER,
    opsets: OPSETS,
    graph: {
      name: 'two_branches',
      nodes,
      initializers: [
        { name: 'Wa', dataType: FLOAT, dims: [256, 256], raw: weights(2) },
        { name: 'Wb', dataType: FLOAT, dims: [256, 256], raw: weights(3) },
      ],
      inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 256] }],
      outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 256] }],
    },
  };
}

/** One onnxruntime-extensions op (ai.onnx.contrib StringRegexReplace) on a string input. */
function customOp(): ModelSpec {
  return {
    irVersion: 8,
    producer: PRODUCER,
    opsets: [...OPSETS, { domain: 'ai.onnx.contrib', version: 1 }],
    graph: {
      name: 'custom_op',
      nodes: [
        {
          opType: 'StringRegexReplace',
          domain: 'ai.onnx.contrib',
          name: 'strip_digits',
          inputs: ['text', 'pattern', 'rewrite'],
          outputs: ['clean'],
        },
      ],
      initializers: [
        { name: 'pattern', dataType: STRING, dims: [1], strings: ['[0-9]+'] },
        { name: 'rewrite', dataType: STRING, dims: [1], strings: [''] },
      ],
      inputs: [{ name: 'text', elemType: STRING, shape: [1] }],
      outputs: [{ name: 'clean', elemType: STRING, shape: [1] }],
    },
  };
}

/** x [1, 16] → MatMul with a 16×16 weight stored in weights.bin beside the model. */
function externalData(): ModelSpec {
  return {
    irVersion: 8,
    producer: PRODUCER,
    opsets: OPSETS,
    graph: {
      name: 'external_data',
      nodes: [{ opType: 'MatMul', name: 'matmul', inputs: ['x', 'W'], outputs: ['y'] }],
      initializers: [
        { name: 'W', dataType: FLOAT, dims: [16, 16], external: { location: 'weights.bin', offset: 0, length: 1024 } },
      ],
      inputs: [{ name: 'x', elemType: FLOAT, shape: [1, 16] }],
      outputs: [{ name: 'y', elemType: FLOAT, shape: [1, 16] }],
    },
  };
}

/** text (string [1]) → Identity → out. */
function stringInput(): ModelSpec {
  return {
    irVersion: 8,
    producer: PRODUCER,
    opsets: OPSETS,
    graph: {
      name: 'string_input',
      nodes: [{ opType: 'Identity', name: 'identity', inputs: ['text'], outputs: ['out'] }],
      inputs: [{ name: 'text', elemType: STRING, shape: [1] }],
      outputs: [{ name: 'out', elemType: STRING, shape: [1] }],
    },
  };
}

const NOT_ONNX = `${JSON.stringify({ model: 'mnist', format: 'json', note: 'this is not an ONNX model' }, null, 2)}\n`;

/** The generated fixtures, by file name (those that do not derive from a copied model). */
export function buildOnnxFixtures(): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>([
    ['symbolic_matmul.onnx', encodeModel(symbolicMatmul())],
    ['two_branches.onnx', encodeModel(twoBranches())],
    ['custom_op.onnx', encodeModel(customOp())],
    ['external_data.onnx', encodeModel(externalData())],
    ['string_input.onnx', encodeModel(stringInput())],
    ['not_onnx.onnx', Buffer.from(NOT_ONNX, 'utf8')],
    ['empty.onnx', new Uint8Array(0)],
  ]);
}

/** The first 60% of mnist.onnx: a model cut off inside its graph. */
export function truncatedMnist(mnist: Uint8Array): Uint8Array {
  return mnist.subarray(0, Math.floor(mnist.length * 0.6));
}

function main(): void {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const shared = join(__dirname, '..', '..', 'shared', 'data', 'onnx');
  for (const name of COPIED_MODELS) {
    if (existsSync(join(shared, name))) {
      copyFileSync(join(shared, name), join(FIXTURE_DIR, name));
      chmodSync(join(FIXTURE_DIR, name), 0o644); // the shared copies are read-only
    } else if (!existsSync(join(FIXTURE_DIR, name))) throw new Error(`${name}: not in ${shared} nor in ${FIXTURE_DIR}`);
  }
  for (const [name, bytes] of buildOnnxFixtures()) writeFileSync(join(FIXTURE_DIR, name), bytes);
  writeFileSync(join(FIXTURE_DIR, 'truncated.onnx'), truncatedMnist(readFileSync(join(FIXTURE_DIR, 'mnist.onnx'))));
  process.stdout.write(`ONNX fixtures written to ${FIXTURE_DIR}\n`);
}

if (require.main === module) main();
