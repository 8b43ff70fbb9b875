/**
 * The fixes of findings on PyTorch traces, written as PyTorch code (a finding's `code.python`): each builder takes
 * the finding's evidence and returns a short snippet that names the parameter to change and the value the evidence
 * suggests, with one comment line that says why. A TrainLens run's findings keep their YAML fix instead.
 *
 * Other rules (per-rank communication, launch delays) reuse these builders, so their advice reads the same.
 */
import { formatBytes } from '../../common/format';

/** The most DataLoader workers suggested: beyond this, cores (not workers) are what a laptop or a node runs out of. */
export const MAX_SUGGESTED_WORKERS = 8;

/** The most a suggested batch (or accumulation) multiplies the current one by. */
export const MAX_BATCH_FACTOR = 8;

/** The GPU utilization a bigger batch aims at (0–1). */
export const TARGET_GPU_UTILIZATION = 0.8;

/** A number as a comment shows it: at most two decimals, no float noise. */
const num = (value: number): string => String(Math.round(value * 100) / 100);

/** One comment line: names from a trace (kernels, labels) are cut short and kept on one line. */
function comment(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  return `# ${line}`;
}

/** A kernel or operator name as a comment quotes it (at most 60 characters). */
export function shortName(name: string): string {
  const flat = name.replace(/[\r\n]+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/**
 * Workers that keep up with the step: loading a batch takes about `data / compute` steps' worth of the rest of the
 * step, so that many workers loading in parallel hide it (at least 1, at most {@link MAX_SUGGESTED_WORKERS}).
 */
export function suggestedWorkers(dataPercent: number): number {
  const compute = Math.max(100 - dataPercent, 1);
  return Math.min(MAX_SUGGESTED_WORKERS, Math.max(1, Math.ceil(dataPercent / compute)));
}

/** Input-bound: the PyTorch DataLoader that prepares batches in parallel worker processes, ahead of the step. */
export function dataLoaderCode(dataPercent: number): string {
  const workers = suggestedWorkers(dataPercent);
  const ratio = (dataPercent / Math.max(100 - dataPercent, 1)).toFixed(1);
  return [
    `# The step waits for data ${ratio}× as long as it computes: ${workers} worker${workers === 1 ? '' : 's'} loading in parallel can keep up.`,
    'loader = DataLoader(',
    '    dataset,',
    '    batch_size=batch_size,',
    `    num_workers=${workers},`,
    '    pin_memory=True,',
    '    persistent_workers=True,',
    '    prefetch_factor=2,',
    ')',
  ].join('\n');
}

/**
 * AMP-eligible: autocast to the tensor cores' type. Compute capability 8.0 and later (A100, H100) run BF16, which
 * needs no loss scaling; older tensor cores (V100, T4) run FP16 only, which needs the GradScaler.
 */
export function autocastCode(computeCapability: number, fp32MatrixPercent: number): string {
  const why = `${num(fp32MatrixPercent)}% of the kernel time is FP32 matrix and convolution work off the tensor cores`;
  if (computeCapability >= 8)
    return [
      comment(`${why}: compute capability ${num(computeCapability)} runs it in BF16 (no GradScaler needed).`),
      'torch.backends.cuda.matmul.allow_tf32 = True',
      'torch.backends.cudnn.allow_tf32 = True',
      'for inputs, targets in loader:',
      '    with torch.autocast(device_type="cuda", dtype=torch.bfloat16):',
      '        loss = loss_fn(model(inputs), targets)',
      '    loss.backward()',
      '    optimizer.step()',
      '    optimizer.zero_grad(set_to_none=True)',
    ].join('\n');
  return [
    comment(`${why}: compute capability ${num(computeCapability)} has FP16 tensor cores (no BF16), so scale the loss.`),
    'scaler = torch.amp.GradScaler("cuda")  # torch.cuda.amp.GradScaler() before PyTorch 2.3',
    'for inputs, targets in loader:',
    '    with torch.autocast(device_type="cuda", dtype=torch.float16):',
    '        loss = loss_fn(model(inputs), targets)',
    '    scaler.scale(loss).backward()',
    '    scaler.step(optimizer)',
    '    scaler.update()',
    '    optimizer.zero_grad(set_to_none=True)',
  ].join('\n');
}

/**
 * Launch overhead: `torch.compile` fuses small kernels into fewer launches; where launches take a large share
 * (`severe`), `mode="reduce-overhead"` also replays the step as a CUDA graph, one launch for all of them.
 */
export function compileCode(runtimePercent: number, shortKernels: number, kernels: number, severe: boolean): string {
  const why = `${num(runtimePercent)}% of each step is kernel launches (${shortKernels} of ${kernels} kernels are short)`;
  return severe
    ? [
        comment(`${why}: CUDA graphs replay the step's launches at once (needs static shapes).`),
        'model = torch.compile(model, mode="reduce-overhead")',
      ].join('\n')
    : [comment(`${why}: compiling fuses small kernels into fewer launches.`), 'model = torch.compile(model)'].join(
        '\n',
      );
}

/** Host sync: the loop stops for values read back from the device; keep them there and copy without waiting. */
export function hostSyncCode(hostSyncPercent: number): string {
  return [
    comment(`${num(hostSyncPercent)}% of each step waits for the device: no .item()/.cpu() inside the loop.`),
    'inputs = inputs.to(device, non_blocking=True)  # with DataLoader(..., pin_memory=True)',
    'targets = targets.to(device, non_blocking=True)',
    'running_loss += loss.detach()  # stays on the device; read it with .item() once per epoch or log interval',
  ].join('\n');
}

/**
 * How much bigger the batch should be for the GPU to be busy {@link TARGET_GPU_UTILIZATION} of the step, if the
 * rest of the step stays as it is: k·u / (k·u + 1 − u) = target, as a power of two from 2 to {@link MAX_BATCH_FACTOR}.
 */
export function batchFactor(gpuUtilizationPercent: number): number {
  const u = Math.min(Math.max(gpuUtilizationPercent / 100, 1e-6), 0.999);
  const k = (TARGET_GPU_UTILIZATION * (1 - u)) / (u * (1 - TARGET_GPU_UTILIZATION));
  return Math.min(MAX_BATCH_FACTOR, Math.max(2, 2 ** Math.round(Math.log2(Math.max(k, 1)))));
}

/** Low GPU utilization: a `batchFactor`× batch with the learning rate scaled to match (the linear scaling rule). */
export function biggerBatchCode(gpuUtilizationPercent: number): string {
  const k = batchFactor(gpuUtilizationPercent);
  const u = gpuUtilizationPercent / 100;
  const expected = (100 * k * u) / (k * u + 1 - u);
  return [
    comment(
      `Kernels ran ${num(gpuUtilizationPercent)}% of the step: ${k}× the batch puts ${k}× the work behind each launch (about ${Math.round(expected)}% busy if the rest of the step stays as it is).`,
    ),
    `loader = DataLoader(dataset, batch_size=${k} * batch_size, shuffle=True, pin_memory=True)`,
    'for group in optimizer.param_groups:',
    `    group["lr"] *= ${k}  # the linear scaling rule for a ${k}× batch`,
  ].join('\n');
}

/** Gradient accumulation over `steps` batches; with DDP, `no_sync()` skips the all-reduce until the last one. */
export function accumulationLoop(steps: number, ddp: boolean): string[] {
  const body = ['loss = loss_fn(model(inputs), targets) / accumulation_steps', 'loss.backward()'];
  return [
    `accumulation_steps = ${steps}`,
    'for i, (inputs, targets) in enumerate(loader):',
    '    last = (i + 1) % accumulation_steps == 0',
    ...(ddp
      ? ['    with contextlib.nullcontext() if last else model.no_sync():', ...body.map((line) => `        ${line}`)]
      : body.map((line) => `    ${line}`)),
    '    if last:',
    '        optimizer.step()',
    '        optimizer.zero_grad(set_to_none=True)',
  ];
}

/**
 * Memory pressure: a smaller batch accumulated to the same effective batch, gradients freed rather than zeroed, and
 * activations recomputed in backward instead of kept (`torch.utils.checkpoint`).
 */
export function memoryCode(peakPercent: number, peakBytes: number, deviceBytes: number): string {
  const steps = Math.min(MAX_BATCH_FACTOR, Math.max(2, Math.ceil(peakPercent / 75)));
  return [
    comment(
      `Allocations peak at ${formatBytes(peakBytes)} of ${formatBytes(deviceBytes)} (${num(peakPercent)}%): 1/${steps} of the batch per pass, ${steps} passes per optimizer step.`,
    ),
    'from torch.utils.checkpoint import checkpoint',
    `loader = DataLoader(dataset, batch_size=batch_size // ${steps}, pin_memory=True)`,
    ...accumulationLoop(steps, false),
    "# In the model's forward: recompute a block's activations in backward instead of keeping them.",
    'x = checkpoint(self.block, x, use_reentrant=False)',
  ].join('\n');
}

/** DDP's bucket size (MiB) for a communication share: twice its default 25 MiB, four times from 40% of the step. */
export function bucketCapMb(communicationPercent: number): number {
  return communicationPercent >= 40 ? 100 : 50;
}

/**
 * Communication-bound: larger DDP buckets (fewer, bigger all-reduces that overlap backward), gradients that are
 * views of the buckets (no copy), and gradient accumulation with `no_sync()` so one all-reduce serves several batches.
 */
export function ddpCode(communicationPercent: number, thresholdPercent: number, worldSize?: number): string {
  const steps = Math.min(MAX_BATCH_FACTOR, Math.max(2, Math.ceil(communicationPercent / thresholdPercent)));
  const ranks = worldSize ? ` on ${worldSize} ranks` : '';
  return [
    comment(
      `${num(communicationPercent)}% of each step is communication${ranks} that compute does not hide: bigger buckets, one all-reduce per ${steps} batches.`,
    ),
    'import contextlib',
    'from torch.nn.parallel import DistributedDataParallel as DDP',
    `model = DDP(model, bucket_cap_mb=${bucketCapMb(communicationPercent)}, gradient_as_bucket_view=True)`,
    ...accumulationLoop(steps, true),
  ].join('\n');
}

/** Kernel names by what they compute, for the dominant kernel's advice (cuDNN, cuBLAS/CUTLASS, NCCL/RCCL, ATen). */
const KERNEL_KINDS: ReadonlyArray<readonly [RegExp, (name: string, percent: number) => string[]]> = [
  [
    /nccl|rccl/i,
    (name, percent) => [
      comment(
        `${shortName(name)} takes ${num(percent)}% of the kernel time: communication, not compute, fills the GPU.`,
      ),
      'from torch.nn.parallel import DistributedDataParallel as DDP',
      `model = DDP(model, bucket_cap_mb=${bucketCapMb(percent)}, gradient_as_bucket_view=True)`,
    ],
  ],
  [
    /conv|cudnn|implicit_gemm|winograd|dgrad|wgrad|fprop/i,
    (name, percent) => [
      comment(
        `${shortName(name)} (a convolution) takes ${num(percent)}% of the kernel time: NHWC and tuned algorithms.`,
      ),
      'torch.backends.cudnn.benchmark = True  # input shapes stay the same from step to step',
      'model = model.to(memory_format=torch.channels_last)',
      'inputs = inputs.to(device, memory_format=torch.channels_last, non_blocking=True)',
    ],
  ],
  [
    /gemm|matmul|cublas|cutlass|s884|s1688|h884|h1688/i,
    (name, percent) => [
      comment(
        `${shortName(name)} (a matrix multiply) takes ${num(percent)}% of the kernel time: let it use tensor cores.`,
      ),
      'torch.set_float32_matmul_precision("high")  # TF32 on compute capability 8.0 and later',
      'with torch.autocast(device_type="cuda", dtype=torch.bfloat16):',
      '    loss = loss_fn(model(inputs), targets)',
    ],
  ],
  [
    /fill/i,
    (name, percent) => [
      comment(
        `${shortName(name)} (filling memory) takes ${num(percent)}% of the kernel time: free gradients instead of zeroing them.`,
      ),
      'optimizer.zero_grad(set_to_none=True)',
    ],
  ],
];

/**
 * Dominant kernel: what helps depends on what the kernel computes (from its name): cuDNN convolutions want
 * channels_last and `cudnn.benchmark`, matrix multiplies tensor cores, NCCL kernels bigger DDP buckets, fills
 * `set_to_none`; anything else (elementwise, reductions) is fused by `torch.compile`.
 */
export function dominantKernelCode(name: string, percent: number): string {
  const kind = KERNEL_KINDS.find(([pattern]) => pattern.test(name));
  if (kind) return kind[1](name, percent).join('\n');
  return [
    comment(`${shortName(name)} takes ${num(percent)}% of the kernel time: compiling fuses it with its neighbours.`),
    'model = torch.compile(model)',
  ].join('\n');
}
