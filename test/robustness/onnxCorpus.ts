/**
 * The robustness suite's ONNX corpus: the bad-input fixtures, seeded truncations and byte flips of a real model,
 * files that are not files, a model over protobuf's limit, and wrong flags, each through `trainlens onnx`.
 */
import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { prng, type CliInput } from './corpora';
import { ROOT } from './harness';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'onnx');
/** Few runs: the corpus is about reading and refusing, not about timing. */
const RUN = ['--runs', '2', '--warmup', '1', '--json'];

/** Builds the corpus in `dir` (the inputs) with `seed`; outputs go to `outDir`. */
export function onnxCorpus(dir: string, outDir: string, seed: number): CliInput[] {
  mkdirSync(dir, { recursive: true });
  const inputs: CliInput[] = [];
  const add = (name: string, file: string, ...extra: string[]) =>
    inputs.push({ name, args: ['onnx', file, ...RUN, ...extra] });
  for (const fixture of [
    'not_onnx',
    'truncated',
    'empty',
    'custom_op',
    'external_data',
    'string_input',
    'symbolic_matmul',
  ]) {
    const copy = join(dir, `${fixture}.onnx`);
    copyFileSync(join(FIXTURES, `${fixture}.onnx`), copy);
    add(fixture, copy);
  }
  const mnist = readFileSync(join(FIXTURES, 'mnist.onnx'));
  const random = prng(seed);
  for (let i = 0; i < 6; i++) {
    const file = join(dir, `cut-${i}.onnx`);
    writeFileSync(file, mnist.subarray(0, Math.floor(random() * mnist.length)));
    add(`mnist cut at a seeded length (${i})`, file);
  }
  for (let i = 0; i < 6; i++) {
    const bytes = Buffer.from(mnist);
    for (let k = 0; k < 8; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    const file = join(dir, `flipped-${i}.onnx`);
    writeFileSync(file, bytes);
    add(`mnist with seeded byte flips (${i})`, file);
  }
  const model = join(dir, 'mnist.onnx');
  copyFileSync(join(FIXTURES, 'mnist.onnx'), model);
  add('mnist --input with a wrong shape', model, '--input', 'Input3=1x3x28x28');
  add('mnist --input naming no input', model, '--input', 'image=1x1x28x28');
  add('mnist --dim naming no dim', model, '--dim', 'batch=4');
  add('mnist --provider cuda (none here)', model, '--provider', 'cuda');
  add('mnist --inputs that is not JSON', model, '--inputs', join(FIXTURES, 'not_onnx.onnx'));
  add('mnist --html into a missing folder', model, '--html', join(outDir, 'missing', 'deeper', 'r.html'));
  const huge = join(dir, 'huge.onnx');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 3 * 1024 ** 3);
  closeSync(fd);
  add('a sparse 3 GiB model (over the protobuf limit)', huge);
  const fifo = join(dir, 'fifo.onnx');
  execFileSync('mkfifo', [fifo]);
  add('a FIFO', fifo);
  const zero = join(dir, 'zero.onnx');
  symlinkSync('/dev/zero', zero);
  add('a link to /dev/zero', zero);
  add('a folder', dir);
  return inputs;
}
