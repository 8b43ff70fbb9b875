import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HtaAccumulator } from './accumulator';
import { kernelKind, KernelKind, streamOf } from './classify';

type Event = Record<string, unknown>;

const step = (n: number, ts: number, dur: number): Event => ({
  ph: 'X',
  cat: 'user_annotation',
  name: `ProfilerStep#${n}`,
  ts,
  dur,
});
const runtime = (name: string, ts: number, dur: number, correlation: number): Event => ({
  ph: 'X',
  cat: 'cuda_runtime',
  name,
  ts,
  dur,
  args: { correlation },
});
const gpu = (cat: string, name: string, ts: number, dur: number, stream: number, correlation: number): Event => ({
  ph: 'X',
  cat,
  name,
  ts,
  dur,
  args: { stream, correlation, device: 0 },
});

/**
 * Three steps (the last one left out, as HTA does), two streams. The answer, by construction:
 * - stream 7: gemm [100, 200], elementwise [210, 260] (gap 10 < 30 µs while its launch call ran before: kernel
 *   wait), relu [470, 500] (its call at 400 began after the previous kernel ended at 260: host wait 210), a copy
 *   [600, 700] (its call at 480 began before 500 ended, gap 100 ≥ 30: other), a 2 µs kernel [1510, 1512] (its call at
 *   1500 after 700: host wait 810);
 * - stream 20: an NCCL all-reduce [150, 450];
 * - a kernel launched in step 3 (from 2000) is left out with its call.
 * Union [100, 450] ∪ [470, 500] ∪ [600, 700] ∪ [1510, 1512] = 482 µs over the span 100–1512 (1412): idle 930;
 * compute 100 + 50 + 30 + 2 = 182; non-compute 300 (the all-reduce not under compute, 200, and the copy, 100).
 * Launch delays (kernel start − call end): 85, 185, 10, 115, 2, 115.
 */
function constructed(): Event[] {
  return [
    step(1, 0, 1000),
    step(2, 1000, 1000),
    step(3, 2000, 1000),
    runtime('cudaLaunchKernel', 10, 5, 1),
    runtime('cudaLaunchKernel', 20, 5, 2),
    runtime('cudaLaunchKernel', 30, 5, 6),
    runtime('cudaLaunchKernel', 400, 60, 3),
    runtime('cudaMemcpyAsync', 480, 5, 4),
    runtime('cudaStreamSynchronize', 900, 5, 8),
    runtime('cudaLaunchKernel', 1500, 8, 5),
    runtime('cudaLaunchKernel', 2100, 5, 7),
    gpu('kernel', 'volta_sgemm_128x64_nn', 100, 100, 7, 1),
    gpu('kernel', 'ncclKernel_AllReduce_RING_LL_Sum_float', 150, 300, 20, 6),
    gpu('kernel', 'vectorized_elementwise_kernel', 210, 50, 7, 2),
    gpu('kernel', 'relu_kernel', 470, 30, 7, 3),
    gpu('gpu_memcpy', 'Memcpy HtoD (Pageable -> Device)', 600, 100, 7, 4),
    gpu('kernel', 'fill_kernel', 1510, 2, 7, 5),
    gpu('kernel', 'volta_sgemm_128x64_nn', 2200, 100, 7, 7),
  ];
}

function analyse(events: readonly Event[], rank?: number) {
  const accumulator = new HtaAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator.build(rank);
}

test('the temporal breakdown of a constructed trace is its known answer, without the last step', () => {
  const hta = analyse(constructed(), 3)!;
  assert.equal(hta.rank, 3);
  assert.equal(hta.lastStepDropped, true);
  assert.deepEqual(hta.temporal, {
    spanUs: 1412,
    idleUs: 930,
    computeUs: 182,
    nonComputeUs: 300,
    idlePercent: (100 * 930) / 1412,
    computePercent: (100 * 182) / 1412,
    nonComputePercent: (100 * 300) / 1412,
  });
});

test('idle time splits into host wait, kernel wait and other per stream', () => {
  const { idle } = analyse(constructed())!;
  assert.equal(idle.consecutiveKernelDelayUs, 30);
  assert.deepEqual(idle.streams, [
    {
      stream: 7,
      idleUs: 1130,
      hostWaitUs: 1020,
      kernelWaitUs: 10,
      otherUs: 100,
      hostWaitShare: 1020 / 1130,
      kernelWaitShare: 10 / 1130,
      otherShare: 100 / 1130,
    },
    {
      stream: 20,
      idleUs: 0,
      hostWaitUs: 0,
      kernelWaitUs: 0,
      otherUs: 0,
      hostWaitShare: 0,
      kernelWaitShare: 0,
      otherShare: 0,
    },
  ]);
});

test('launch statistics: short kernels, long runtime calls, long delays and delay percentiles', () => {
  const { launches } = analyse(constructed())!;
  assert.deepEqual(launches, {
    launches: 6,
    runtimeCutoffUs: 50,
    launchDelayCutoffUs: 100,
    shortKernels: 1,
    longRuntime: 1,
    longDelays: 3,
    cpuUs: 5 + 5 + 5 + 60 + 5 + 8,
    gpuUs: 100 + 300 + 50 + 30 + 100 + 2,
    delayP50Us: 85,
    delayP90Us: 185,
    delayP99Us: 185,
    delayMeanUs: (85 + 185 + 10 + 115 + 2 + 115) / 6,
    delayMaxUs: 185,
  });
});

test('the answer does not depend on the order of the events (kernels before their launch calls)', () => {
  const events = constructed();
  assert.deepEqual(analyse([...events].reverse()), analyse(events));
});

test('with one step name HTA keeps everything: the kernel launched late counts', () => {
  const events = constructed().filter((e) => e['name'] !== 'ProfilerStep#2' && e['name'] !== 'ProfilerStep#3');
  const hta = analyse(events)!;
  assert.equal(hta.lastStepDropped, false);
  assert.equal(hta.temporal.spanUs, 2300 - 100);
  assert.equal(hta.temporal.computeUs, 282);
  assert.equal(hta.launches.launches, 7);
});

test('nanosecond timestamps are rounded as HTA rounds them: start up, end down', () => {
  const hta = analyse([
    runtime('cudaLaunchKernel', 0.5, 1, 1),
    gpu('kernel', 'k', 10.2, 5.5, 7, 1),
    gpu('kernel', 'k', 20.9, 4.05, 7, 2),
  ])!;
  // [11, 15] and [21, 24]: span 13, busy 7.
  assert.equal(hta.temporal.spanUs, 13);
  assert.equal(hta.temporal.idleUs, 6);
  // The call [1, 1] ends at 1: delay 10.
  assert.equal(hta.launches.delayMaxUs, 10);
});

test('a trace without GPU events has no HTA analysis; GPU events without a stream do not count', () => {
  assert.equal(analyse([step(1, 0, 10), runtime('cudaLaunchKernel', 1, 1, 1)]), undefined);
  assert.equal(analyse([{ ph: 'X', cat: 'kernel', name: 'k', ts: 1, dur: 1, args: { correlation: 1 } }]), undefined);
});

test('kernels are classified by name as HTA does', () => {
  assert.equal(kernelKind('ncclDevKernel_AllGather_RING_LL'), KernelKind.Communication);
  assert.equal(kernelKind('Memcpy DtoH (Device -> Pinned)'), KernelKind.Memory);
  assert.equal(kernelKind('Memset (Device)'), KernelKind.Memory);
  assert.equal(kernelKind('Stream Sync'), KernelKind.Other);
  assert.equal(kernelKind('void at::native::vectorized_elementwise_kernel<4>'), KernelKind.Compute);
  assert.equal(kernelKind('Cijk_Alik_Bljk_SB_MT64x16x32'), KernelKind.Compute);
  assert.equal(streamOf({ stream: '0x0' }), -1);
  assert.equal(streamOf({ stream: '7' }), 7);
  assert.equal(streamOf({}), -1);
});

test('300k kernels with their launches: bounded columns, no call-stack limits, the answer by construction', () => {
  const accumulator = new HtaAccumulator();
  const count = 300_000;
  for (let i = 0; i < count; i++) {
    accumulator.add(runtime('cudaLaunchKernel', 10 * i, 2, i + 1));
    // Kernel i runs [10i + 3, 10i + 8]: its call ran [10i, 10i + 2], after the previous kernel ended, so each delay
    // is 1 µs and each 5 µs gap is host wait.
    accumulator.add(gpu('kernel', `gemm_${i % 50}`, 10 * i + 3, 5, 7, i + 1));
  }
  const hta = accumulator.build()!;
  assert.equal(hta.temporal.spanUs, 10 * (count - 1) + 5);
  assert.equal(hta.temporal.computeUs, 5 * count);
  assert.equal(hta.idle.streams[0]!.hostWaitUs, 5 * (count - 1));
  assert.equal(hta.launches.launches, count);
  assert.equal(hta.launches.delayMaxUs, 1);
});
