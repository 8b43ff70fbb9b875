import assert from 'node:assert/strict';
import { handMadeProfile } from './handMadeProfile';
import { test } from 'node:test';
import { ampEligible } from './ampEligible';
import { backendFallback } from './backendFallback';
import { commBound, COMM_BOUND_PERCENT } from './commBound';
import { hostSync } from './hostSync';
import { checkpointOverhead, evalOverhead } from './runOverhead';
import { dominantOp } from './dominantOp';
import { findingsOf } from './index';
import { nanLoss, tensorLeak } from './runHealth';
import { inputBound, suggestedWorkers } from './inputBound';
import { launchOverhead } from './launchOverhead';
import { lowGpuUtilization } from './lowGpuUtilization';
import { memoryPressure } from './memoryPressure';

const profile = handMadeProfile;

test('input-bound: medium from 5%, high from 20%, with the thresholds in the evidence and a prefetch fix', () => {
  assert.equal(inputBound(profile({ dataloader: 49 })), undefined);
  const medium = inputBound(profile({ dataloader: 50 }))!;
  assert.deepEqual([medium.severity, medium.evidence], ['medium', { dataloaderPercent: 5, threshold: 5 }]);
  const run = { source: 'trainlens', categories: ['data_wait', 'other'] } as const;
  const high = inputBound(profile({ data_wait: 200 }, run))!;
  assert.deepEqual(
    [high.id, high.severity, high.fix?.path, high.fix?.value, high.code],
    ['input-bound', 'high', 'data.prefetch', 4, undefined],
  );
});

test('input-bound on a PyTorch trace: the fix is a DataLoader with workers to match the data share, no YAML', () => {
  const finding = inputBound(profile({ dataloader: 776 }))!;
  assert.equal(finding.fix, undefined);
  assert.equal(finding.code?.javascript, undefined);
  assert.match(finding.code!.python, /DataLoader\(\n {4}dataset,/);
  assert.match(
    finding.code!.python,
    /num_workers=4,\n {4}pin_memory=True,\n {4}persistent_workers=True,\n {4}prefetch_factor=2,/,
  );
  assert.match(finding.code!.python, /3\.5× as long as it computes: 4 workers/);
  // One worker hides a loader that takes less than the rest of the step; the suggestion stops at 8.
  assert.deepEqual(
    [suggestedWorkers(5), suggestedWorkers(50), suggestedWorkers(51), suggestedWorkers(99)],
    [1, 1, 2, 8],
  );
});

test('low GPU utilization below 50% (high below 25%); none without a GPU', () => {
  assert.equal(lowGpuUtilization(profile({})), undefined);
  assert.equal(lowGpuUtilization(profile({}, { gpuUtilization: 0.5 })), undefined);
  assert.equal(lowGpuUtilization(profile({}, { gpuUtilization: 0.49 }))!.severity, 'medium');
  assert.equal(lowGpuUtilization(profile({}, { gpuUtilization: 0.2 }))!.evidence['gpuUtilizationPercent'], 20);
});

test('communication-bound from 10% of the step', () => {
  assert.equal(commBound(profile({ communication: 99 })), undefined);
  assert.equal(commBound(profile({ communication: 100 }))!.evidence['threshold'], COMM_BOUND_PERCENT);
});

test('launch overhead (small kernels) at 3% and 15% of runtime; memory pressure at 90% of the device', () => {
  const launches = { kernels: 100, shortKernels: 80, shortKernelShare: 0.4 };
  assert.equal(launchOverhead(profile({ runtime: 29 }, { launches })), undefined);
  assert.equal(launchOverhead(profile({ runtime: 30 }, { launches }))!.severity, 'medium');
  assert.equal(launchOverhead(profile({ runtime: 150 }, { launches }))!.severity, 'high');
  const devices = [{ id: 0, name: 'gpu', memoryBytes: 1000 }];
  const memory = (peak: number) => ({
    tUs: Float64Array.of(0),
    allocatedBytes: Float64Array.of(peak),
    peakBytes: peak,
  });
  assert.equal(memoryPressure(profile({}, { devices, memory: memory(899) })), undefined);
  assert.equal(memoryPressure(profile({}, { devices, memory: memory(950) }))!.severity, 'medium');
  // A TrainLens run: resident memory against the run's limit, and a fix that halves the batch.
  const run = { backend: 'wasm', requestedBackend: 'wasm', installedBackends: ['wasm'], logEvery: 10, batchSize: 64 };
  const limited = (rss: number) => ({ ...memory(1), peakRssBytes: rss, limitBytes: 1000 });
  assert.equal(memoryPressure(profile({}, { run, memory: limited(899) })), undefined);
  const high = memoryPressure(profile({}, { run, memory: limited(980) }))!;
  assert.deepEqual([high.severity, high.evidence['peakPercent'], high.fix?.value], ['high', 98, 32]);
});

test('findings come most severe first', () => {
  const ids = findingsOf(profile({ dataloader: 60, communication: 300 }, { gpuUtilization: 0.1 })).map(
    (f) => f.severity,
  );
  assert.deepEqual(ids, ['high', 'high', 'medium']);
});

test('TrainLens runs: host sync, checkpoint and eval overhead with fixes from the run config; backend fallback', () => {
  const run = {
    backend: 'cpu',
    requestedBackend: 'cpu',
    installedBackends: ['wasm', 'cpu'],
    logEvery: 5,
    checkpointEvery: 10,
    validationEvery: 50,
  };
  assert.equal(hostSync(profile({ host_sync: 49 }, { run })), undefined);
  assert.deepEqual(hostSync(profile({ host_sync: 60 }, { run }))!.fix?.value, 20);
  assert.equal(hostSync(profile({ host_sync: 60 })), undefined, 'only for TrainLens runs');
  assert.equal(checkpointOverhead(profile({ checkpoint: 60 }, { run }))!.fix?.value, 40);
  assert.equal(evalOverhead(profile({ eval: 99 }, { run })), undefined);
  assert.equal(evalOverhead(profile({ eval: 100 }, { run }))!.fix?.path, 'training.validation_every');
  const fallback = backendFallback(profile({}, { run }))!;
  assert.deepEqual(
    [fallback.id, fallback.evidence['faster'], fallback.fix?.value],
    ['backend-fallback', 'wasm', 'auto'],
  );
  assert.equal(backendFallback(profile({}, { run: { ...run, backend: 'wasm' } })), undefined);
});

test('NaN loss and tensor leaks from the run record; a dominant kernel', () => {
  const run = { backend: 'wasm', requestedBackend: 'auto', installedBackends: ['wasm'], logEvery: 5 };
  const reason = 'the loss became NaN at step 12 (optimization.nan_guard: stop).';
  const failed = { ...run, status: 'failed' as const, reason, failure: { kind: 'nan' as const, message: reason } };
  assert.equal(nanLoss(profile({}, { run: failed }))!.fix?.path, 'training.clip_norm');
  assert.equal(nanLoss(profile({}, { run })), undefined);
  const events = [
    { kind: 'tensor-leak', message: 'the tensor count grew', evidence: { tensorsPerStep: 2, phase: 'optimizer' } },
  ];
  assert.deepEqual(tensorLeak(profile({}, { run: { ...run, events } }))!.evidence, {
    tensorsPerStep: 2,
    phase: 'optimizer',
  });
  const kernel = (name: string, totalUs: number) => ({ name, calls: 1, totalUs, meanUs: totalUs, maxUs: totalUs });
  assert.equal(dominantOp(profile({}, { kernels: [kernel('gemm', 60), kernel('relu', 40)] }))!.evidence['percent'], 60);
  assert.equal(
    dominantOp(profile({}, { kernels: [kernel('gemm', 40), kernel('relu', 35), kernel('add', 25)] })),
    undefined,
  );
});

test('AMP-eligible needs tensor cores (compute capability 7.0+) and 20% of kernel time in FP32 matrix kernels', () => {
  const tensorCores = { kernelUs: 1000, tensorCoreUs: 100, fp32MatrixUs: 250 };
  const device = (cc: string) => [{ id: 0, name: 'gpu', computeCapability: cc }];
  assert.equal(ampEligible(profile({}, { tensorCores, devices: device('8.0') }))!.evidence['fp32MatrixPercent'], 25);
  assert.equal(ampEligible(profile({}, { tensorCores, devices: device('6.1') })), undefined, 'no tensor cores');
  assert.equal(
    ampEligible(profile({}, { tensorCores: { ...tensorCores, fp32MatrixUs: 199 }, devices: device('8.0') })),
    undefined,
  );
});
