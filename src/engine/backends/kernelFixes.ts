import * as tf from '@tensorflow/tfjs';

/** A kernel as TF.js registers it (the public `KernelConfig` shape, kept local so the types stay simple). */
type KernelConfig = ReturnType<typeof tf.getKernel> & {};
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
type TensorInfo = { dataId: object; shape: number[]; dtype: string };

/** Kernels whose transposed-operand forms the wasm backend computes slowly. */
const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/** Swaps the last two axes (the matrix axes) of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}

/**
 * Makes the wasm backend's matrix multiplications with a transposed operand (`transposeA`/`transposeB`) transpose
 * the operand explicitly first and then multiply untransposed.
 *
 * Why: the wasm backend's fast (XNNPACK) matmul path covers only untransposed operands; with either flag set it runs
 * a generic loop that measured 15–20× slower for a 128×256·256×256 product. Every Dense layer's backward pass
 * multiplies with a transposed operand (dX = dY·Wᵀ, dW = Xᵀ·dY), so the backward pass cost ~25× the forward pass.
 * A transpose is a cheap copy (~0.07 ms for 128×256), so transposing first gives the same result at the fast
 * path's speed. The values are identical: the same products summed in the same order by the same fast kernel that
 * untransposed operands use.
 *
 * Installing twice is a no-op; {@link uninstallWasmMatMulFix} puts the original kernels back (the benchmark
 * compares both).
 */
export function installWasmMatMulFix(): void {
  if (originals.length > 0) return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const name of MATMUL_KERNELS) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    originals.push(original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: (args) => untransposed(args, original, transpose) });
  }
}

/** Restores the wasm backend's own matmul kernels. */
export function uninstallWasmMatMulFix(): void {
  for (const original of originals.splice(0)) {
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel(original);
  }
}

/** The kernels replaced by {@link installWasmMatMulFix}, while it is installed. */
const originals: KernelConfig[] = [];

function untransposed(
  args: KernelArgs,
  original: KernelConfig,
  transpose: KernelConfig,
): ReturnType<KernelConfig['kernelFunc']> {
  const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
  if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
  const inputs = args.inputs as Record<string, TensorInfo>;
  const backend = args.backend as { disposeData(dataId: object): void };
  const temporaries: TensorInfo[] = [];
  const flip = (x: TensorInfo): TensorInfo => {
    const out = transpose.kernelFunc({
      inputs: { x } as never,
      backend: args.backend,
      attrs: { perm: swapLastTwo(x.shape.length) },
    }) as TensorInfo;
    temporaries.push(out);
    return out;
  };
  const result = original.kernelFunc({
    ...args,
    inputs: {
      ...inputs,
      a: attrs.transposeA ? flip(inputs['a']!) : inputs['a']!,
      b: attrs.transposeB ? flip(inputs['b']!) : inputs['b']!,
    } as never,
    attrs: { ...args.attrs, transposeA: false, transposeB: false },
  });
  for (const t of temporaries) backend.disposeData(t.dataId);
  return result;
}

/** The parts of the wasm backend a JavaScript kernel needs. */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: ArrayLike<number>): TensorInfo;
}

/**
 * Registers kernels the wasm backend lacks but training needs, computed in JavaScript on the backend's memory:
 *
 * - `UnsortedSegmentSum`, the gradient of `gather`, so every model with an Embedding layer (the transformer
 *   preset, `type: embedding` layers) can train on wasm; without it the first backward pass fails with
 *   "Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'".
 *
 * Kernels the backend has are never replaced.
 */
export function installWasmMissingKernels(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as unknown as Record<'x' | 'segmentIds', TensorInfo>;
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const wasm = backend as unknown as WasmBackendLike;
      const values = wasm.readSync(x.dataId);
      const ids = wasm.readSync(segmentIds.dataId);
      const inner = values.length / Math.max(1, ids.length);
      const out = new Float32Array(numSegments * inner);
      for (let row = 0; row < ids.length; row++) {
        const id = ids[row]!;
        if (id < 0 || id >= numSegments) continue; // out-of-range ids contribute nothing, as in TensorFlow
        const from = row * inner;
        const to = id * inner;
        for (let j = 0; j < inner; j++) out[to + j]! += values[from + j]!;
      }
      const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      return wasm.makeOutput(shape, x.dtype, undefined, x.dtype === 'int32' ? Int32Array.from(out) : out) as never;
    },
  });
}
