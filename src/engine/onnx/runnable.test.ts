import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeModel, FLOAT, float32Bytes, type ModelSpec } from '../../../scripts/onnxWriter';
import { assertOnnxError } from '../../../test/support/onnx';
import type { OnnxModelSummary } from '../../protocol/onnx';
import { readOnnxModel } from './modelFile';
import { checkRunnable } from './runnable';

const fixture = (name: string) => join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx', name);
const dir = mkdtempSync(join(tmpdir(), 'trainlens-onnx-runnable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('custom_op.onnx: checkRunnable names the domain, the op, the node and where such ops come from', () => {
  const path = fixture('custom_op.onnx');
  const summary = readOnnxModel(path);
  assert.deepEqual(summary.opTypes, [{ opType: 'StringRegexReplace', domain: 'ai.onnx.contrib', count: 1 }]);
  const error = assertOnnxError(
    () => checkRunnable(summary),
    'custom-op',
    path,
    /node 0 "strip_digits" \(StringRegexReplace\) of the main graph is the op ai\.onnx\.contrib:StringRegexReplace/,
  );
  assert.match(error.message, /onnxruntime-extensions/);
  assert.match(error.message, /onnxruntime-node cannot load custom-op libraries/);
  assert.match(error.message, /export the model without them/);
  assert.equal(error.subject, 'strip_digits');
  assert.deepEqual(error.toData(), { kind: 'custom-op', subject: 'strip_digits', hint: error.hint });
  // A summary that crossed the protocol as JSON still names the domain and the op.
  const plain = JSON.parse(JSON.stringify(summary)) as OnnxModelSummary;
  assertOnnxError(() => checkRunnable(plain), 'custom-op', path, /ai\.onnx\.contrib:StringRegexReplace/);
});

test('external_data.onnx without weights.bin: the initializer, the file and the folder are named', () => {
  const path = fixture('external_data.onnx');
  const error = assertOnnxError(
    () => checkRunnable(readOnnxModel(path)),
    'external-data',
    path,
    /the initializer "W" keeps its data in "weights\.bin", which does not exist in the model's folder \(.*test\/fixtures\/onnx\)/,
  );
  assert.equal(error.subject, 'W');
  assert.match(error.message, /Copy "weights\.bin" next to the model/);
});

/** A model with one MatMul whose weight W (16×16 float32) keeps its data in `location`. */
function externalModel(location: string, length?: number): ModelSpec {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      nodes: [{ opType: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      initializers: [
        {
          name: 'W',
          dataType: FLOAT,
          dims: [16, 16],
          external: { location, offset: 0, ...(length === undefined ? {} : { length }) },
        },
      ],
      inputs: [{ name: 'x', elemType: FLOAT, shape: [1, 16] }],
      outputs: [{ name: 'y', elemType: FLOAT, shape: [1, 16] }],
    },
  };
}

test('external data: present, too short, outside the folder (.., absolute, a symlink out) or a folder', () => {
  const folder = join(dir, 'external');
  mkdirSync(folder);
  const write = (name: string, spec: ModelSpec) => {
    const path = join(folder, name);
    writeFileSync(path, encodeModel(spec));
    return path;
  };
  writeFileSync(join(folder, 'w.bin'), float32Bytes(new Float32Array(256)));
  const ok = readOnnxModel(write('ok.onnx', externalModel('./w.bin')));
  assert.deepEqual(ok.externalData, [{ file: 'w.bin', bytes: 1024, present: true }]);
  checkRunnable(ok);
  // Without a length entry the dims and type tell the bytes.
  assert.equal(readOnnxModel(write('nolength.onnx', externalModel('w.bin'))).initializers.bytes, 1024);
  writeFileSync(join(folder, 'short.bin'), new Uint8Array(100));
  const short = write('short.onnx', externalModel('short.bin', 1024));
  assertOnnxError(
    () => checkRunnable(readOnnxModel(short)),
    'external-data',
    short,
    /"short\.bin" has 100 bytes, but the initializer "W" reads up to byte 1,024/,
  );
  const up = write('up.onnx', externalModel('../w.bin'));
  assertOnnxError(() => checkRunnable(readOnnxModel(up)), 'external-data', up, /climbs out with "\.\."/);
  const absolute = write('abs.onnx', externalModel(join(folder, 'w.bin')));
  assertOnnxError(() => checkRunnable(readOnnxModel(absolute)), 'external-data', absolute, /is an absolute path/);
  writeFileSync(join(dir, 'outside.bin'), new Uint8Array(1024));
  execFileSync('ln', ['-s', join(dir, 'outside.bin'), join(folder, 'link.bin')]);
  const link = write('link.onnx', externalModel('link.bin'));
  assertOnnxError(() => checkRunnable(readOnnxModel(link)), 'external-data', link, /symbolic link/);
  mkdirSync(join(folder, 'dir.bin'));
  const notFile = write('dir.onnx', externalModel('dir.bin'));
  assertOnnxError(() => checkRunnable(readOnnxModel(notFile)), 'external-data', notFile, /is not a regular file/);
  // A summary from JSON judges the location from its text.
  const plain = JSON.parse(JSON.stringify(readOnnxModel(up))) as OnnxModelSummary;
  assertOnnxError(() => checkRunnable(plain), 'external-data', up, /climbs out/);
});

test('subgraphs and model-local functions: op types counted inside If branches; local functions are not custom ops', () => {
  const branch = (name: string, opType: string, domain?: string) => ({
    name,
    nodes: [{ opType, inputs: ['x'], outputs: [`${name}_y`], name: `${name}_node`, ...(domain ? { domain } : {}) }],
    inputs: [],
    outputs: [{ name: `${name}_y`, elemType: FLOAT, shape: [4] }],
  });
  const model = (elseOp: string, elseDomain?: string): ModelSpec => ({
    irVersion: 8,
    opsets: [
      { domain: '', version: 17 },
      { domain: 'my.ops', version: 1 },
    ],
    graph: {
      name: 'g',
      nodes: [
        {
          opType: 'If',
          name: 'choose',
          inputs: ['cond'],
          outputs: ['y'],
          attributes: [
            { name: 'then_branch', graph: branch('then', 'Relu') },
            { name: 'else_branch', graph: branch('else', elseOp, elseDomain) },
          ],
        },
      ],
      inputs: [
        { name: 'cond', elemType: 9, shape: [] },
        { name: 'x', elemType: FLOAT, shape: [4] },
      ],
      outputs: [{ name: 'y', elemType: FLOAT, shape: [4] }],
    },
    functions: [
      {
        name: 'MyRelu',
        domain: 'my.ops',
        inputs: ['a'],
        outputs: ['b'],
        nodes: [{ opType: 'Relu', inputs: ['a'], outputs: ['b'] }],
        opsets: [{ domain: '', version: 17 }],
      },
    ],
  });
  const local = join(dir, 'local.onnx');
  writeFileSync(local, encodeModel(model('MyRelu', 'my.ops')));
  const summary = readOnnxModel(local);
  assert.equal(summary.nodes, 1);
  assert.deepEqual(summary.inputs[0], { name: 'cond', dtype: 'bool', shape: [] });
  assert.deepEqual(
    summary.opTypes.map((op) => `${op.domain}:${op.opType}=${op.count}`),
    ['ai.onnx:If=1', 'my.ops:MyRelu=1', 'ai.onnx:Relu=1'],
  );
  checkRunnable(summary); // MyRelu is a model-local function
  const custom = join(dir, 'custom-in-branch.onnx');
  writeFileSync(custom, encodeModel(model('Tokenize', 'my.ops')));
  const error = assertOnnxError(
    () => checkRunnable(readOnnxModel(custom)),
    'custom-op',
    custom,
    /node 0 "else_node" \(Tokenize\) of subgraph "else_branch" of node 0 "choose" of the main graph is the op my\.ops:Tokenize/,
  );
  assert.match(error.message, /a custom-operator library/);
});

test('ONNX Runtime domains it does not build for the CPU: ATen and DirectML nodes are named with their origin', () => {
  const model = (domain: string, opType: string): ModelSpec => ({
    irVersion: 8,
    opsets: [
      { domain: '', version: 17 },
      { domain, version: 1 },
    ],
    graph: {
      name: 'g',
      nodes: [{ opType, domain, inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', elemType: FLOAT, shape: [4] }],
      outputs: [{ name: 'y', elemType: FLOAT, shape: [4] }],
    },
  });
  const aten = join(dir, 'aten.onnx');
  writeFileSync(aten, encodeModel(model('org.pytorch.aten', 'ATen')));
  assertOnnxError(() => checkRunnable(readOnnxModel(aten)), 'custom-op', aten, /ONNX_ATEN_FALLBACK/);
  const dml = join(dir, 'dml.onnx');
  writeFileSync(dml, encodeModel(model('com.microsoft.dml', 'DmlFusedNode')));
  assertOnnxError(() => checkRunnable(readOnnxModel(dml)), 'custom-op', dml, /DirectML/);
  checkRunnable(readOnnxModel(dml), 'dml');
  const contrib = join(dir, 'ms.onnx');
  writeFileSync(contrib, encodeModel(model('com.microsoft', 'Gelu')));
  checkRunnable(readOnnxModel(contrib)); // ORT's own contrib ops run on the CPU
});
