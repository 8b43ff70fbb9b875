/**
 * The per-rank `comm-bound` finding of a job: the single-trace rule's finding on that rank (communication the
 * computation does not hide, src/analysis/rules/commBound.ts), with the rank and its HTA overlap in the evidence
 * and the fix as DDP code: bucket sizes from the all-reduce bytes, `no_sync()` accumulation from the share.
 */
import type { RankRow } from '../../protocol/distributed';
import type { Finding } from '../../protocol/types';
import { COMM_BOUND_PERCENT } from '../rules/commBound';
import type { RankComms } from './commLedger';

/** DDP's default bucket size (MB) and the largest suggested. */
const DEFAULT_BUCKET_MB = 25;
const MAX_BUCKET_MB = 200;
/** Gradients split into about this many buckets: the first all-reduces start while backward still runs. */
const BUCKETS_PER_STEP = 4;
const MAX_ACCUMULATION = 8;

/**
 * The rank's comm-bound finding: the single-trace rule's (its `communication` category), or, where the plugin's
 * categories count the collectives' kernels as kernels (no NCCL operation launched them), the communication kernel
 * time no computation kernel overlaps, as a share of the analysed steps.
 */
export function rankCommBound(
  findings: readonly Finding[],
  row: RankRow,
  comms: RankComms | undefined,
): Finding | undefined {
  const finding = findings.find((f) => f.id === 'comm-bound') ?? exposedCommBound(comms);
  if (!finding) return undefined;
  const percent = Number(finding.evidence['communicationPercent'] ?? finding.evidence['exposedCommunicationPercent']);
  const allReduce = comms?.collectives.find((c) => c.type === 'all_reduce');
  const bytesPerStep = allReduce?.bytes !== undefined && row.steps > 0 ? allReduce.bytes / row.steps : undefined;
  const bucketMb = suggestedBucketMb(bytesPerStep);
  const accumulation = Math.min(MAX_ACCUMULATION, Math.max(2, Math.ceil(percent / COMM_BOUND_PERCENT)));
  return {
    ...finding,
    title: `rank ${row.rank}: ${finding.title}`,
    evidence: {
      ...finding.evidence,
      rank: row.rank,
      communicationMs: row.communicationMs,
      ...(row.overlapPercent !== undefined ? { overlapPercent: row.overlapPercent } : {}),
      ...(bytesPerStep !== undefined ? { allReduceMbPerStep: Math.round(bytesPerStep / 1e5) / 10 } : {}),
    },
    code: {
      python: mostlySendRecv(comms) ? pipelineCode(row, percent) : ddpCode(row, percent, bucketMb, accumulation),
    },
  };
}

/** Comm-bound from the kernels: exposed communication (not overlapped by computation) over the analysed span. */
function exposedCommBound(comms: RankComms | undefined): Finding | undefined {
  if (!comms || comms.fromCpu || comms.spanUs <= 0) return undefined;
  const percent = Math.round((10000 * (comms.communicationUs - comms.overlapUs)) / comms.spanUs) / 100;
  if (percent < COMM_BOUND_PERCENT) return undefined;
  return {
    id: 'comm-bound',
    severity: percent >= 2 * COMM_BOUND_PERCENT ? 'high' : 'medium',
    title: `${percent}% of the analysed steps is communication kernels that compute does not overlap`,
    evidence: { exposedCommunicationPercent: percent, threshold: COMM_BOUND_PERCENT },
  };
}

/** A bucket size that splits a step's gradients into about {@link BUCKETS_PER_STEP} all-reduces (MB, a multiple of 5). */
export function suggestedBucketMb(allReduceBytesPerStep: number | undefined): number {
  if (allReduceBytesPerStep === undefined) return 2 * DEFAULT_BUCKET_MB;
  const mb = allReduceBytesPerStep / 1024 / 1024 / BUCKETS_PER_STEP;
  return Math.min(MAX_BUCKET_MB, Math.max(DEFAULT_BUCKET_MB, Math.ceil(mb / 5) * 5));
}

/** Whether point-to-point transfers (pipeline parallelism) take most of the collectives' time. */
function mostlySendRecv(comms: RankComms | undefined): boolean {
  const total = comms?.collectives.reduce((a, c) => a + c.totalUs, 0) ?? 0;
  const p2p = comms?.collectives.find((c) => c.type === 'send/recv')?.totalUs ?? 0;
  return total > 0 && p2p > total / 2;
}

/** For a pipeline stage waiting on its neighbours: more micro-batches, so it computes one while it sends another. */
function pipelineCode(row: RankRow, percent: number): string {
  return [
    `# Rank ${row.rank}: ${percent}% of each step is exposed communication, mostly send/recv (${perStepMs(row)} ms per step): pipeline`,
    '# stages waiting for activations from their neighbours. Split each batch into more micro-batches, so a stage',
    '# computes one while the next is in flight, with an interleaved schedule:',
    'from torch.distributed.pipelining import ScheduleInterleaved1F1B',
    'schedule = ScheduleInterleaved1F1B(stages, n_microbatches=2 * n_microbatches, loss_fn=loss_fn)',
  ].join('\n');
}

/** A rank's communication per analysed step (ms, rounded), as the sentences around it speak per step. */
function perStepMs(row: RankRow): number {
  return Math.round((row.communicationMs / Math.max(1, row.steps)) * 1000) / 1000;
}

function ddpCode(row: RankRow, percent: number, bucketMb: number, accumulation: number): string {
  const overlap = row.overlapPercent !== undefined ? `, ${row.overlapPercent}% of it overlapped by compute` : '';
  // A CPU job (Gloo without GPU kernels) wraps its model without device_ids: DDP refuses them for CPU modules.
  const gpu = row.computationMs > 0 || row.overlapPercent !== undefined;
  return [
    `# Rank ${row.rank}: ${percent}% of each step is exposed communication (${perStepMs(row)} ms of collectives per step${overlap}).`,
    '# Larger gradient buckets mean fewer all-reduces; bucket views avoid a copy into them:',
    `model = DDP(model, ${gpu ? 'device_ids=[local_rank], ' : ''}bucket_cap_mb=${bucketMb}, gradient_as_bucket_view=True)`,
    `# Accumulate ${accumulation} micro-batches per all-reduce:`,
    `for i, (inputs, targets) in enumerate(loader):`,
    `    sync = (i + 1) % ${accumulation} == 0`,
    '    with contextlib.nullcontext() if sync else model.no_sync():',
    `        loss = loss_fn(model(inputs), targets) / ${accumulation}`,
    '        loss.backward()',
    '    if sync:',
    '        optimizer.step()',
    '        optimizer.zero_grad(set_to_none=True)',
  ].join('\n');
}
