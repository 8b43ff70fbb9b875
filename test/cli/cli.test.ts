import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, trainlens } from '../support/cli';
import type { EnvironmentReport } from '../../src/protocol/types';

// The built CLI, run the way users run it (`npx trainlens` resolves bin/trainlens.js).
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('--help lists every subcommand of the contract and exits 0', () => {
  const { code, stdout } = trainlens('--help');
  assert.equal(code, 0);
  for (const command of ['validate', 'run', 'profile', 'analyze', 'tune', 'onnx', 'report', 'doctor']) {
    assert.match(stdout, new RegExp(`^  ${command} `, 'm'), command);
  }
  assert.match(stdout, /Exit codes: 0 success, 1 the input has problems, 2 usage error/);
});

test('--version prints the manifest version', () => {
  const { code, stdout } = trainlens('--version');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), manifest.version);
});

test('an unknown subcommand exits 2 with one clear paragraph and no stack trace', () => {
  const { code, stdout, stderr } = trainlens('analyse', 'trace.json');
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^trainlens: unknown command 'analyse'/);
  assert.match(stderr, /Did you mean analyze\?/);
  assert.match(stderr, /Run 'trainlens --help'/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('an unknown option exits 2', () => {
  const { code, stderr } = trainlens('doctor', '--fast');
  assert.equal(code, 2);
  assert.match(stderr, /^trainlens: unknown option '--fast'/);
});

test('onnx documents its options', () => {
  const { code, stdout } = trainlens('onnx', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /Usage: trainlens onnx \[options\] <model\.onnx>/);
  for (const flag of [
    '--runs <n>',
    '--warmup <n>',
    '--dim',
    '--input',
    '--provider',
    '--tune',
    '--objective',
    '--budget',
    '--html',
    '--json',
  ])
    assert.ok(stdout.includes(flag), flag);
});

test('doctor starts the bundled engine and prints one JSON document; progress goes to stderr', () => {
  const { code, stdout, stderr } = trainlens('doctor', '--json');
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as EnvironmentReport & { engine: { version: string; pid: number } };
  assert.equal(report.engine.version, manifest.version);
  assert.ok(report.engine.pid > 0);
  assert.deepEqual(
    report.backends.map((b) => b.name),
    ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
  );
  // The bundled engine finds the wasm binaries the build copied next to it.
  assert.equal(report.backends.find((b) => b.name === 'wasm')?.status, 'installed');
  assert.match(stderr, /doctor: engine ready \(1\/2\)/);
});

test('doctor text names the backend auto would use', () => {
  const { code, stdout } = trainlens('doctor');
  assert.equal(code, 0);
  assert.match(stdout, /^TrainLens engine \d+\.\d+\.\d+ started \(pid \d+\)\./);
  assert.match(stdout, /engine\.backend: auto would use (tensorflow-gpu|tensorflow|wasm|cpu)\n/);
});
