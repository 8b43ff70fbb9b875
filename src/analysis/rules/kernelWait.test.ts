import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile } from '../analyze';
import type { Profile } from '../profile';
import type { HtaStreamIdle } from '../../protocol/analysis';
import { findingsOf } from './index';
import { kernelWait } from './kernelWait';

const TRACES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces');

const stream = (id: number, kernelWaitUs: number, hostWaitUs = 0): HtaStreamIdle => ({
  stream: id,
  idleUs: kernelWaitUs + hostWaitUs,
  hostWaitUs,
  kernelWaitUs,
  otherUs: 0,
  hostWaitShare: 0,
  kernelWaitShare: 1,
  otherShare: 0,
});

/** A Kineto profile whose HTA analysis has the given streams over a 10,000 µs span. */
function profile(streams: HtaStreamIdle[]): Profile {
  return {
    source: 'kineto',
    file: 'x.json',
    devices: [],
    categories: ['kernel', 'other'],
    steps: [{ name: '1', startUs: 0, endUs: 10000, breakdown: { kernel: 9000, other: 1000 } }],
    kernels: [],
    operators: [],
    stats: { events: 0, bytes: 0 },
    hta: {
      lastStepDropped: true,
      temporal: {
        spanUs: 10000,
        idleUs: 2000,
        computeUs: 8000,
        nonComputeUs: 0,
        idlePercent: 20,
        computePercent: 80,
        nonComputePercent: 0,
      },
      idle: { consecutiveKernelDelayUs: 30, streams },
      launches: {
        launches: 0,
        runtimeCutoffUs: 50,
        launchDelayCutoffUs: 100,
        shortKernels: 0,
        longRuntime: 0,
        longDelays: 0,
        cpuUs: 0,
        gpuUs: 0,
        delayP50Us: 0,
        delayP90Us: 0,
        delayP99Us: 0,
        delayMeanUs: 0,
        delayMaxUs: 0,
      },
    },
  };
}

test('kernel-wait: medium from 5% of the span on one stream, high from 15%, with CUDA graphs as the fix', () => {
  assert.equal(kernelWait(profile([stream(7, 499, 5000)])), undefined);
  const medium = kernelWait(profile([stream(7, 100), stream(13, 500)]))!;
  assert.equal(medium.severity, 'medium');
  assert.deepEqual(medium.evidence, {
    kernelWaitPercent: 5,
    threshold: 5,
    stream: 13,
    kernelWaitUs: 500,
    spanUs: 10000,
    consecutiveKernelDelayUs: 30,
  });
  const high = kernelWait(profile([stream(7, 1500)]))!;
  assert.equal(high.severity, 'high');
  assert.match(high.code!.python, /torch\.compile\(model, mode="reduce-overhead"\)/);
  assert.ok(findingsOf(profile([stream(7, 1500)])).some((f) => f.id === 'kernel-wait'));
  const { hta: _hta, ...withoutHta } = profile([stream(7, 1500)]);
  assert.equal(kernelWait(withoutHta), undefined);
});

test('kernel-wait stays quiet on the real traces, where kernel wait is at most 2.2% of the span', async () => {
  for (const name of ['hta_ns_resolution_v100', 'hta_nccl_2ranks_a100', 'hta_alexnet_a100'])
    assert.equal(kernelWait(await loadProfile(join(TRACES, `${name}.json.gz`))), undefined, name);
});
