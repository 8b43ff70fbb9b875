/**
 * What the reader learned beyond the summary (which node uses a custom domain, which initializer names which
 * external file), kept beside the summary object without becoming part of it: the summary crosses the protocol as
 * JSON, and {@link checkRunnable} still names the node and the initializer for a summary this process read.
 */
import type { OnnxModelSummary } from '../../protocol/onnx';
import type { ExternalRef, NodeRef } from './modelProto';

/** An external-data file as the reader found it beside the model. */
export interface ExternalFile {
  /** The location, normalized (`./w.bin` → `w.bin`). */
  readonly file: string;
  present: boolean;
  /** Its size, when it is a regular file. */
  size?: number;
  /** The absolute path it resolves to, when it stays beside the model. */
  resolved?: string;
  /** Why it is refused (absolute, `..`, a symlink out), when it is. */
  escapes?: string;
  /** It exists but is a folder or another non-file. */
  notAFile?: boolean;
  /** Bytes the model's tensors take from it. */
  needed: number;
  /** The furthest byte a tensor reads (offset + length). */
  extent: number;
}

/** The details of one summary. */
export interface ModelDetails {
  readonly otherDomainNodes: readonly NodeRef[];
  readonly functions: ReadonlySet<string>;
  readonly external: readonly ExternalRef[];
  readonly files: ReadonlyMap<string, ExternalFile>;
}

const details = new WeakMap<OnnxModelSummary, ModelDetails>();

/** Keeps `value` for `summary` as long as the summary lives. */
export function rememberDetails(summary: OnnxModelSummary, value: ModelDetails): void {
  details.set(summary, value);
}

/** The details of a summary this process read; undefined for one that came from elsewhere (JSON). */
export function detailsOf(summary: OnnxModelSummary): ModelDetails | undefined {
  return details.get(summary);
}
