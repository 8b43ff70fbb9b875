import assert from 'node:assert/strict';
import { handMadeProfile } from './handMadeProfile';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../protocol/types';
import { loadProfile } from '../analyze';
import { commBound } from './commBound';
import { dominantOp } from './dominantOp';
import { findingsOf } from './index';
import { memoryPressure } from './memoryPressure';
import { ampEligible } from './ampEligible';
import { batchFactor, bucketCapMb, dominantKernelCode, hostSyncCode, suggestedWorkers } from './pytorchCode';

// PyTorch advice on real traces: every finding on a trace that is not a TrainLens run carries its fix as code whose
// values come from the finding's evidence, and every snippet parses as Python.
const TRACES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces');
const LEGACY = join(TRACES, 'pytorch-legacy');
const traceFiles = [
  ...readdirSync(TRACES)
    .filter((f) => /\.json(\.gz)?$/.test(f) && !f.startsWith('kineto_gpu_metrics'))
    .map((f) => join(TRACES, f)),
  ...readdirSync(LEGACY)
    .filter((f) => /\.json(\.gz)?$/.test(f))
    .map((f) => join(LEGACY, f)),
];

/** Every snippet the tests saw, checked by Python's own parser once at the end. */
const snippets: Array<{ where: string; code: string }> = [];
const python = (where: string, code: string | undefined): string => {
  assert.ok(code, `${where}: no Python code`);
  snippets.push({ where, code });
  return code;
};

const findingsByFile = new Map<string, Finding[]>();
async function findings(name: string): Promise<Finding[]> {
  const file = name.includes('/') ? name : join(TRACES, name);
  if (!findingsByFile.has(file)) findingsByFile.set(file, findingsOf(await loadProfile(file)));
  return findingsByFile.get(file)!;
}
async function codeOf(name: string, id: string): Promise<string> {
  const finding = (await findings(name)).find((f) => f.id === id);
  assert.ok(finding, `${name}: no ${id} finding`);
  return python(`${name} ${id}`, finding.code?.python);
}

test('guard: every finding of every rule on every fixture trace has Python code and no YAML fix', async () => {
  assert.ok(traceFiles.length >= 14, traceFiles.join(', '));
  let count = 0;
  for (const file of traceFiles) {
    for (const finding of await findings(file)) {
      count++;
      python(`${file} ${finding.id}`, finding.code?.python);
      assert.equal(finding.fix, undefined, `${file} ${finding.id} carries a TrainLens YAML fix`);
    }
  }
  assert.ok(count >= 15, `only ${count} findings on the fixtures`);
});

test('amp-eligible: BF16 autocast on the A100 (8.0), FP16 with a GradScaler on the V100 (7.0)', async () => {
  const a100 = await codeOf('hta_alexnet_a100.json.gz', 'amp-eligible');
  assert.match(a100, /torch\.autocast\(device_type="cuda", dtype=torch\.bfloat16\)/);
  assert.match(a100, /30\.56% of the kernel time/);
  assert.doesNotMatch(a100, /GradScaler\(/);
  const v100 = await codeOf('hta_ns_resolution_v100.json.gz', 'amp-eligible');
  assert.match(v100, /dtype=torch\.float16/);
  assert.match(v100, /scaler = torch\.amp\.GradScaler\("cuda"\)/);
  assert.match(v100, /scaler\.scale\(loss\)\.backward\(\)/);
  assert.match(v100, /37\.65% of the kernel time.*compute capability 7 /);
});

test('small kernels: CUDA graphs when launches dominate (AlexNet, 97%), plain torch.compile when they do not', async () => {
  const alexnet = await codeOf('hta_alexnet_a100.json.gz', 'small-kernels');
  assert.match(alexnet, /^model = torch\.compile\(model, mode="reduce-overhead"\)$/m);
  assert.match(alexnet, /97\.39% of each step is kernel launches \(14 of 79 kernels/);
  const nccl = await codeOf('hta_nccl_2ranks_a100.json.gz', 'small-kernels');
  assert.match(nccl, /^model = torch\.compile\(model\)$/m);
  assert.match(nccl, /4\.52% .*1159 of 2700 kernels/);
});

test('low GPU utilization: the batch factor follows the utilization, with the learning rate scaled to match', async () => {
  const nccl = await codeOf('hta_nccl_2ranks_a100.json.gz', 'low-gpu-utilization');
  assert.match(nccl, /batch_size=8 \* batch_size/);
  assert.match(nccl, /group\["lr"\] \*= 8/);
  const rank0 = await codeOf('hta_sampled_rank0_ws128.json.gz', 'low-gpu-utilization');
  assert.match(rank0, /Kernels ran 44\.49% of the step: 4× the batch .*about 76% busy/);
  assert.match(rank0, /batch_size=4 \* batch_size/);
  assert.deepEqual([batchFactor(49), batchFactor(45), batchFactor(40), batchFactor(60)], [4, 4, 8, 2]);
});

test('comm-bound: DDP buckets and no_sync accumulation from the share and the world size (CPU-only rank 34)', async () => {
  const code = await codeOf('hta_cpu_only_rank34.json.gz', 'comm-bound');
  assert.match(code, /85\.09% of each step is communication on 300 ranks/);
  assert.match(code, /model = DDP\(model, bucket_cap_mb=100, gradient_as_bucket_view=True\)/);
  assert.match(code, /accumulation_steps = 8/);
  assert.match(code, /with contextlib\.nullcontext\(\) if last else model\.no_sync\(\):/);
  const medium = commBound(handMade({ communication: 150 }))!;
  assert.match(python('comm 15%', medium.code?.python), /bucket_cap_mb=50,.*\n[^]*accumulation_steps = 2\n/);
  assert.deepEqual([bucketCapMb(10), bucketCapMb(39.9), bucketCapMb(40)], [50, 50, 100]);
});

test('dominant op: the advice follows what the kernel computes', async () => {
  assert.match(await codeOf('hta_compare_base.json.gz', 'dominant-op'), /optimizer\.zero_grad\(set_to_none=True\)/);
  const nccl = await codeOf('hta_sampled_rank0_ws128.json.gz', 'dominant-op');
  assert.match(nccl, /ncclKernel_SendRecv.* takes 65\.32% .*\n[^]*bucket_cap_mb=100/);
  const ort = (await findings('ort_mnist_2019.json')).find((f) => f.id === 'dominant-op')!;
  assert.match(python('ort Conv', ort.code?.python), /op_types_to_quantize=\["Conv"\]/);
  const kernel = (name: string, totalUs: number) => ({ name, calls: 1, totalUs, meanUs: totalUs, maxUs: totalUs });
  const conv = dominantOp(handMade({}, { kernels: [kernel('cudnn::winograd_nchw_fp32', 70), kernel('relu', 30)] }))!;
  const convCode = python('conv', conv.code?.python);
  assert.match(convCode, /torch\.backends\.cudnn\.benchmark = True/);
  assert.match(convCode, /model = model\.to\(memory_format=torch\.channels_last\)/);
  assert.match(convCode, /takes 70% of the kernel time/);
  assert.match(python('gemm', dominantKernelCode('ampere_sgemm_128x64_nn', 55)), /set_float32_matmul_precision/);
  assert.match(python('other', dominantKernelCode('softmax_warp_forward', 51)), /^model = torch\.compile\(model\)$/m);
  assert.doesNotMatch(python('newline', dominantKernelCode('a\nb = 1', 51)), /^b = 1/m);
});

test('memory pressure on a device: a smaller batch accumulated back, set_to_none and checkpointing', () => {
  const devices = [{ id: 0, name: 'gpu', memoryBytes: 16 * 1024 ** 3 }];
  const peak = 15.5 * 1024 ** 3;
  const memory = { tUs: Float64Array.of(0), allocatedBytes: Float64Array.of(peak), peakBytes: peak };
  const finding = memoryPressure(handMade({}, { devices, memory }))!;
  assert.equal(finding.fix, undefined);
  const code = python('memory', finding.code?.python);
  assert.match(code, /\(96\.88%\): 1\/2 of the batch/);
  assert.match(code, /batch_size=batch_size \/\/ 2/);
  assert.match(code, /accumulation_steps = 2/);
  assert.match(code, /checkpoint\(self\.block, x, use_reentrant=False\)/);
  assert.match(code, /optimizer\.zero_grad\(set_to_none=True\)/);
});

test('input-bound on the legacy traces, and hand-made AMP: the values follow the evidence', async () => {
  for (const name of ['input_bound.json.gz', 'input_bound_workers.json.gz']) {
    const finding = (await findings(join(LEGACY, name))).find((f) => f.id === 'input-bound')!;
    const workers = suggestedWorkers(finding.evidence['dataloaderPercent'] as number);
    assert.match(python(name, finding.code?.python), new RegExp(`num_workers=${workers},`));
  }
  const tensorCores = { kernelUs: 1000, tensorCoreUs: 0, fp32MatrixUs: 500 };
  const on = (cc: string) =>
    ampEligible(handMade({}, { tensorCores, devices: [{ id: 0, name: 'g', computeCapability: cc }] }));
  assert.match(python('amp 9.0', on('9.0')!.code?.python), /bfloat16[^]*50% of|50%[^]*bfloat16/);
  assert.match(python('amp 7.5', on('7.5')!.code?.python), /float16/);
  assert.equal(on('7.5')!.code?.python.includes('bfloat16'), false);
  assert.match(python('host sync', hostSyncCode(12.5)), /12\.5% of each step waits[^]*non_blocking=True/);
});

test('a TrainLens run keeps its YAML fix and gets no PyTorch code', () => {
  const run = { backend: 'wasm', requestedBackend: 'wasm', installedBackends: ['wasm'], logEvery: 10 };
  const found = findingsOf(handMade({ communication: 300 }, { source: 'trainlens', run }));
  assert.deepEqual(
    found.map((f) => [f.id, f.code]),
    [['comm-bound', undefined]],
  );
});

// Last, so that it sees the snippets of every test above (the tests of a file run in order).
test('every snippet above parses as Python', (t) => {
  assert.ok(snippets.length >= 25, `only ${snippets.length} snippets`);
  const check = spawnSync(
    'python3',
    [
      '-c',
      'import ast,json,sys\nfor s in json.load(sys.stdin):\n  try: ast.parse(s["code"])\n  except SyntaxError as e: print(s["where"], e)',
    ],
    { input: JSON.stringify(snippets), encoding: 'utf8' },
  );
  if (check.error) return t.skip(`python3 is not installed: the ${snippets.length} snippets were not parsed`);
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stdout, '', `snippets that are not Python:\n${check.stdout}`);
});

const handMade = handMadeProfile;
