import { jsOptions } from './onnxCode';
import type { Rule } from './rule';

/** Threads at or above this multiple of the cores make the finding high severity. */
export const OVERSUBSCRIPTION_HIGH_FACTOR = 2;

/**
 * Thread oversubscription (ONNX sessions TrainLens profiled): the session's intra-op threads, times its inter-op
 * threads in parallel mode, exceed the machine's cores, so threads preempt each other and spin for work. An unset
 * (or 0) thread count is ONNX Runtime's default, one thread per physical core, taken as `cores`. Fix: thread counts
 * whose product fits the cores.
 */
export const threadOversubscription: Rule = (profile) => {
  const session = profile.onnx?.session;
  const cores = profile.onnx?.cores;
  if (!session || !cores || cores < 1) return undefined;
  const parallel = session.executionMode === 'parallel';
  const intra = session.intraOpThreads || cores;
  const inter = parallel ? session.interOpThreads || cores : 1;
  const threads = intra * inter;
  if (threads <= cores) return undefined;
  const fitInter = Math.min(inter, cores);
  const fitIntra = Math.max(1, Math.floor(cores / fitInter));
  const options = parallel
    ? { executionMode: 'parallel', interOpNumThreads: fitInter, intraOpNumThreads: fitIntra }
    : { intraOpNumThreads: Math.min(intra, cores) };
  const python = parallel
    ? `so.execution_mode = ort.ExecutionMode.ORT_PARALLEL\nso.inter_op_num_threads = ${fitInter}\nso.intra_op_num_threads = ${fitIntra}`
    : `so.intra_op_num_threads = ${Math.min(intra, cores)}`;
  const how = parallel
    ? `set interOpNumThreads: ${fitInter} and intraOpNumThreads: ${fitIntra} (or executionMode: 'sequential')`
    : `set intraOpNumThreads: ${Math.min(intra, cores)} or leave it unset (one thread per physical core)`;
  return {
    id: 'thread-oversubscription',
    severity: threads >= OVERSUBSCRIPTION_HIGH_FACTOR * cores ? 'high' : 'medium',
    title:
      `ONNX Runtime runs ${threads} threads on ${cores} core${cores === 1 ? '' : 's'} ` +
      `(${parallel ? `${intra} intra-op × ${inter} inter-op in parallel mode` : `${intra} intra-op`}): ${how}`,
    evidence: { intraOpThreads: intra, interOpThreads: inter, threads, cores, threshold: cores },
    code: { javascript: jsOptions(options), python },
  };
};
