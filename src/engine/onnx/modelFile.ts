/**
 * Reads an ONNX model file before any ONNX Runtime session: the summary the CLI, the panels and the custom editor
 * show, and clear errors for files that are not models. The file rules come first (only a regular file, its size
 * checked before a byte is read: protobuf cannot hold more than 2 GiB), then one read into one buffer, then one
 * pass over the protobuf that keeps lengths, never copies of the weights. Whether ONNX Runtime can run the model
 * (custom-op domains, external-data files) is {@link checkRunnable}'s question, so a model that cannot run can
 * still be summarized.
 */
import { statSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { formatBytes } from '../../common/format';
import { checkRegularFile, FileRuleError, readBoundedBytes, resolveBeside } from '../../files/safeFiles';
import type { OnnxModelSummary } from '../../protocol/onnx';
import { OnnxModelError } from './errors';
import { parseModel, type ParsedModel } from './modelProto';
import { type ExternalFile, rememberDetails } from './modelDetails';
import { EXPORT_HINT, sniffMagic, sniffText } from './sniff';
import { WireError } from './wire';

export { checkRunnable } from './runnable';
export { OnnxModelError } from './errors';

/** Protobuf's limit on one message (INT_MAX bytes); ONNX Runtime cannot parse a larger model file either. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

const WHAT = 'the ONNX model';

const EXTERNAL_DATA_HINT =
  'Store the weights as external data: onnx.save_model(model, "model.onnx", save_as_external_data=True, ' +
  'all_tensors_to_one_file=True, location="model.onnx.data") keeps the .onnx file small and ONNX Runtime reads ' +
  'the weights from the file beside it';

/** Reads and summarizes the model at `path`; throws {@link OnnxModelError} for anything that is not a model. */
export function readOnnxModel(path: string): OnnxModelSummary {
  let size: number;
  try {
    size = checkRegularFile(path, WHAT);
  } catch (error) {
    throw fileRuleError(error, path);
  }
  if (size > MAX_MODEL_BYTES) throw tooLarge(path, size);
  let bytes: Buffer;
  try {
    bytes = readBoundedBytes(path, WHAT, MAX_MODEL_BYTES);
  } catch (error) {
    throw fileRuleError(error, path);
  }
  return summarizeOnnxBytes(bytes, path);
}

/**
 * Summarizes a model's bytes; `path` names it in errors and locates its external-data files (beside it). Throws
 * {@link OnnxModelError}: `too-large`, `not-onnx` or `truncated`.
 */
export function summarizeOnnxBytes(bytes: Uint8Array, path: string): OnnxModelSummary {
  if (bytes.length > MAX_MODEL_BYTES) throw tooLarge(path, bytes.length);
  if (bytes.length === 0)
    throw new OnnxModelError({
      kind: 'not-onnx',
      file: path,
      problem: 'is empty (0 bytes)',
      hint: 'The export or download did not finish: export or download the model again',
    });
  const magic = sniffMagic(bytes);
  if (magic) throw notOnnx(path, `is not an ONNX model: it looks like ${magic.looksLike}`, magic.hint);
  let model: ParsedModel;
  try {
    model = parseModel(bytes);
  } catch (error) {
    throw parseError(error, bytes, path);
  }
  if (!model.hasGraph || model.irVersion <= 0) {
    const missing = model.hasGraph ? 'no ir_version' : model.irVersion > 0 ? 'no graph' : 'no ir_version and no graph';
    const text = sniffText(bytes);
    throw notOnnx(
      path,
      text
        ? `is not an ONNX model: it looks like ${text.looksLike}`
        : `is not an ONNX model: it reads as protobuf but has ${missing}, which every ONNX ModelProto has`,
      text?.hint ?? EXPORT_HINT,
    );
  }
  return summarize(model, bytes.length, path);
}

/** The summary of a parsed model, with its external-data files looked up beside it. */
function summarize(model: ParsedModel, bytes: number, path: string): OnnxModelSummary {
  const files = externalFiles(model, dirname(path));
  const summary: OnnxModelSummary = {
    path,
    bytes,
    irVersion: model.irVersion,
    ...(model.producer === undefined ? {} : { producer: model.producer }),
    opsets: model.opsets,
    inputs: model.inputs,
    outputs: model.outputs,
    nodes: model.nodes,
    opTypes: [...model.opTypes.values()].sort(
      (a, b) => b.count - a.count || a.opType.localeCompare(b.opType) || a.domain.localeCompare(b.domain),
    ),
    initializers: { count: model.initializers.count, bytes: initializerBytes(model, files) },
    externalData: [...files.values()].map((file) => ({
      file: file.file,
      bytes: file.size ?? file.needed,
      present: file.present,
    })),
  };
  rememberDetails(summary, {
    otherDomainNodes: [...model.otherDomainNodes.values()],
    functions: model.functions,
    external: model.external,
    files,
  });
  return summary;
}

/** Initializer bytes, with external tensors that give no length counted by the rest of their file. */
function initializerBytes(model: ParsedModel, files: Map<string, ExternalFile>): number {
  let bytes = model.initializers.bytes;
  for (const ref of model.external) {
    if (!ref.initializer || ref.length !== undefined || ref.expected !== undefined || ref.location === undefined)
      continue;
    const size = files.get(posix.normalize(ref.location))?.size;
    if (size !== undefined) bytes += Math.max(0, size - ref.offset);
  }
  return bytes;
}

/** The files external tensors name, by normalized location: present, their size, and whether they stay beside. */
function externalFiles(model: ParsedModel, dir: string): Map<string, ExternalFile> {
  const files = new Map<string, ExternalFile>();
  for (const ref of model.external) {
    if (ref.location === undefined) continue;
    const file = posix.normalize(ref.location);
    let entry = files.get(file);
    if (!entry) {
      entry = lookUp(file, dir);
      files.set(file, entry);
    }
    const extent = ref.offset + (ref.length ?? ref.expected ?? 0);
    entry.needed += ref.length ?? ref.expected ?? 0;
    entry.extent = Math.max(entry.extent, extent);
  }
  return files;
}

/** One external-data file: refused when it leads out of the model's folder, else looked up (not opened). */
function lookUp(file: string, dir: string): ExternalFile {
  const entry: ExternalFile = { file, present: false, needed: 0, extent: 0 };
  let target: string;
  try {
    target = resolveBeside(dir, file, `external data "${file}"`);
  } catch (error) {
    if (!(error instanceof FileRuleError)) throw error;
    entry.escapes = error.reason;
    return entry;
  }
  entry.resolved = target;
  try {
    const stats = statSync(target);
    if (stats.isFile()) {
      entry.present = true;
      entry.size = stats.size;
    } else entry.notAFile = true;
  } catch {
    // Missing: checkRunnable names it.
  }
  return entry;
}

function notOnnx(file: string, problem: string, hint: string): OnnxModelError {
  return new OnnxModelError({ kind: 'not-onnx', file, problem, hint });
}

function tooLarge(file: string, size: number): OnnxModelError {
  return new OnnxModelError({
    kind: 'too-large',
    file,
    problem: `is ${formatBytes(size)} (${size.toLocaleString('en-US')} bytes), over the 2 GiB that one protobuf message can hold, so neither ONNX Runtime nor TrainLens can read it as one file`,
    hint: EXTERNAL_DATA_HINT,
  });
}

/** The file rules' refusal as an ONNX error: a folder, FIFO, device, missing or unreadable file is `not-a-file`. */
function fileRuleError(error: unknown, file: string): unknown {
  if (!(error instanceof FileRuleError)) return error;
  if (error.code === 'too-large') return tooLarge(file, MAX_MODEL_BYTES + 1);
  return new OnnxModelError({
    kind: 'not-a-file',
    file,
    problem:
      error.code === 'missing'
        ? 'does not exist'
        : error.reason.replace(/^it /, '').replace(/; name a regular file$/, ''),
    hint:
      error.code === 'missing'
        ? 'Check the path (relative paths start at the current folder)'
        : 'Name the .onnx model file itself',
  });
}

/** A parse failure as `truncated` (the bytes end inside a field) or `not-onnx` (they are not a ModelProto). */
function parseError(error: unknown, bytes: Uint8Array, file: string): OnnxModelError {
  const size = `${bytes.length.toLocaleString('en-US')} bytes`;
  const wire = error instanceof WireError ? error : undefined;
  const where = wire?.where ? ` inside ${wire.where}` : '';
  const detail = wire ? wire.message : error instanceof Error ? error.message : String(error);
  if (wire?.reason === 'truncated')
    return new OnnxModelError({
      kind: 'truncated',
      file,
      problem: `is cut off: it has ${size} and ends${where} (${detail}), most likely because a download or copy stopped early`,
      hint: 'Download or copy the model again and compare its size with the original',
    });
  const text = sniffText(bytes);
  if (text) return notOnnx(file, `is not an ONNX model: it looks like ${text.looksLike}`, text.hint);
  return notOnnx(
    file,
    `is not an ONNX model (${size}): its bytes stop being an ONNX protobuf${where} (${detail})`,
    `The file is damaged or in another format. ${EXPORT_HINT}`,
  );
}
