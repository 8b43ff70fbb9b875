/**
 * Whether onnxruntime-node can load a model, decided from its summary before a session is tried, so the error
 * names the node, the op's domain and where such ops come from rather than ORT's "is not a registered
 * function/op". Two things are checked: nodes in operator domains ONNX Runtime's CPU build does not implement
 * (custom-op libraries such as onnxruntime-extensions, which onnxruntime-node cannot load), and external-data files
 * (present, beside the model, long enough). Ops missing from a domain ORT does implement are left to ORT's own
 * error, which names the node already.
 */
import { dirname, posix, resolve } from 'node:path';
import type { OnnxModelSummary } from '../../protocol/onnx';
import { OnnxModelError } from './errors';
import { detailsOf, type ModelDetails } from './modelDetails';
import { type NodeRef, opKey } from './modelProto';

/** Operator domains whose ops ONNX Runtime's CPU build registers (ORT's core/graph/constants.h and ONNX's own). */
export const CPU_DOMAINS: ReadonlySet<string> = new Set([
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'com.ms.internal.nhwc',
]);

/** Where the ops of a domain come from and what to do, for the domains people meet. */
function originOf(domain: string, provider: string | undefined): string | undefined {
  switch (domain) {
    case 'ai.onnx.contrib':
    case 'com.microsoft.extensions':
      return (
        `Ops in ${domain} come from onnxruntime-extensions, a custom-operator library; onnxruntime-node cannot load ` +
        'custom-op libraries, so export the model without them (do that pre- or post-processing outside the model) ' +
        'or run it where the library is registered (Python: SessionOptions.register_custom_ops_library(' +
        'onnxruntime_extensions.get_library_path()))'
      );
    case 'org.pytorch.aten':
      return (
        'ATen ops come from torch.onnx.export with operator_export_type=ONNX_ATEN_FALLBACK and run only in ' +
        "ONNX Runtime's training build: export the model again without the ATen fallback"
      );
    case 'com.microsoft.dml':
      return provider === 'dml'
        ? undefined
        : "Ops in com.microsoft.dml are DirectML's fused nodes (the model was saved after DirectML's graph " +
            'optimizations): save the model before optimization, or run it with the DirectML provider on Windows';
    default:
      return undefined;
  }
}

/**
 * Throws {@link OnnxModelError} when ONNX Runtime cannot load the model as it stands: `custom-op` for a node in a
 * domain its CPU build does not implement, `external-data` for an external-data file that is missing, too short or
 * outside the model's folder. `provider` is the execution provider the session will use (`dml` accepts DirectML's
 * fused nodes). A summary read in this process names the node and the initializer; one from JSON only the op and
 * the file.
 */
export function checkRunnable(summary: OnnxModelSummary, provider?: string): void {
  const details = detailsOf(summary);
  checkDomains(summary, details, provider);
  checkExternalData(summary, details);
}

/** Whether a node of `domain`/`opType` is not something this build (or a model-local function) provides. */
function isCustom(domain: string, opType: string, details: ModelDetails | undefined, provider?: string): boolean {
  if (CPU_DOMAINS.has(domain)) return false;
  if (domain === 'com.microsoft.dml' && provider === 'dml') return false;
  return !details?.functions.has(opKey(domain, opType));
}

function checkDomains(summary: OnnxModelSummary, details: ModelDetails | undefined, provider?: string): void {
  const custom: NodeRef[] = details
    ? details.otherDomainNodes.filter((node) => isCustom(node.domain, node.opType, details, provider))
    : summary.opTypes
        .filter((op) => isCustom(op.domain, op.opType, undefined, provider))
        .map((op) => ({ domain: op.domain, opType: op.opType, name: '', index: -1, graph: 'the model' }));
  const first = custom[0];
  if (!first) return;
  const node =
    first.index < 0
      ? `a node (${first.opType})`
      : `node ${first.index}${first.name ? ` "${first.name}"` : ''} (${first.opType}) of ${first.graph}`;
  const others = custom.slice(1).map((op) => `${op.domain}:${op.opType}`);
  const more = others.length ? `; it also uses ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}` : '';
  throw new OnnxModelError({
    kind: 'custom-op',
    file: summary.path,
    problem:
      `: ${node} is the op ${first.domain}:${first.opType}, from the operator domain ${first.domain}, which ` +
      `ONNX Runtime's CPU build does not implement${more}`,
    subject: first.name || `${first.domain}:${first.opType}`,
    hint:
      originOf(first.domain, provider) ??
      `Ops in ${first.domain} come from a custom-operator library; onnxruntime-node cannot load custom-op ` +
        'libraries, so export the model without them or run it where the library is registered',
  });
}

function checkExternalData(summary: OnnxModelSummary, details: ModelDetails | undefined): void {
  const folder = resolve(dirname(summary.path));
  if (details) {
    const unnamed = details.external.find((ref) => ref.location === undefined);
    if (unnamed)
      throw externalError(
        summary,
        unnamed.tensor,
        `: the tensor "${unnamed.tensor}" keeps its data in an external file but names no location`,
        'Save the model again with onnx.save_model(..., save_as_external_data=True), which writes the location',
      );
  }
  for (const entry of summary.externalData) {
    const file = details?.files.get(entry.file);
    const tensors =
      details?.external.filter((ref) => ref.location !== undefined && posix.normalize(ref.location) === entry.file) ??
      [];
    const tensor = tensors[0]?.tensor;
    const who =
      tensor === undefined
        ? 'an initializer'
        : `the initializer "${tensor}"${tensors.length > 1 ? ` (and ${tensors.length - 1} more)` : ''}`;
    const escapes = file ? file.escapes : escapeOf(entry.file);
    if (escapes !== undefined)
      throw externalError(
        summary,
        tensor ?? entry.file,
        `: ${who} keeps its data in "${entry.file}", which ${escapes.replace(/^it /, '')}; ONNX Runtime reads external data only from the model's folder (${folder})`,
        `Put the data file beside the model and name it relative to that folder (onnx.save_model(..., location="${posix.basename(entry.file)}"))`,
      );
    if (!entry.present)
      throw externalError(
        summary,
        tensor ?? entry.file,
        `: ${who} keeps its data in "${entry.file}", which ${file?.notAFile ? 'is not a regular file' : 'does not exist'} in the model's folder (${folder})`,
        `Copy "${entry.file}" next to the model (it is written together with the .onnx file and must travel with it)`,
      );
    if (file?.size !== undefined && file.size < file.extent)
      throw externalError(
        summary,
        tensor ?? entry.file,
        `: "${entry.file}" has ${file.size.toLocaleString('en-US')} bytes, but ${who} reads up to byte ${file.extent.toLocaleString('en-US')}`,
        `The data file is cut off or belongs to another export: copy "${entry.file}" again from where the model was saved`,
      );
  }
}

/** Why a location leads out of the model's folder, judged from the text alone (a summary from JSON). */
function escapeOf(file: string): string | undefined {
  if (posix.isAbsolute(file) || /^[A-Za-z]:/.test(file)) return 'is an absolute path';
  if (file.split(/[\\/]/).includes('..')) return 'climbs out with ".."';
  return undefined;
}

function externalError(summary: OnnxModelSummary, subject: string, problem: string, hint: string): OnnxModelError {
  return new OnnxModelError({ kind: 'external-data', file: summary.path, problem, subject, hint });
}
