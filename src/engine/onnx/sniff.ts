/**
 * What a file that is not an ONNX model looks like, from its first bytes, so the error can say "this is a zip
 * archive (a PyTorch checkpoint?)" rather than "invalid wire type 3". Formats that can never be a ModelProto are
 * recognized before parsing; plain text only after the parse failed.
 */

/** A recognized format: what it is and what to do instead. */
export interface Sniffed {
  /** `JSON text`, `a zip archive`, … */
  readonly looksLike: string;
  /** The way out for this format. */
  readonly hint: string;
}

const EXPORT_HINT =
  'Name the .onnx file itself: export one with torch.onnx.export(...), tf2onnx or onnx.save_model(...)';

/** Magic numbers of formats people mistake for ONNX models, checked before the protobuf parse. */
export function sniffMagic(bytes: Uint8Array): Sniffed | undefined {
  const head = latin1(bytes, 64);
  if (head.startsWith('version https://git-lfs'))
    return {
      looksLike: 'a Git LFS pointer (a small text file standing in for the model)',
      hint: 'Fetch the real file with `git lfs pull` (or download the model itself, not its pointer)',
    };
  if (head.startsWith('PK\x03\x04') || head.startsWith('PK\x05\x06'))
    return {
      looksLike: 'a zip archive (a PyTorch .pt/.pth checkpoint, a Keras .keras file or a zipped model)',
      hint: `Unzip it if it holds a .onnx file; a PyTorch or Keras model must be exported to ONNX first. ${EXPORT_HINT}`,
    };
  if (head.startsWith('\x89HDF\r\n\x1a\n'))
    return { looksLike: 'an HDF5 file (a Keras .h5 model)', hint: `Convert it with tf2onnx. ${EXPORT_HINT}` };
  if (head.startsWith('\x1f\x8b')) return { looksLike: 'gzip data', hint: 'Decompress it first (gunzip)' };
  if (bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] >= 2 && bytes[1] <= 5)
    return { looksLike: 'a Python pickle (a PyTorch or scikit-learn checkpoint)', hint: EXPORT_HINT };
  if (head.slice(4, 8) === 'TFL3')
    return { looksLike: 'a TensorFlow Lite model', hint: `Convert it with tf2onnx --tflite. ${EXPORT_HINT}` };
  const text = head.replace(/^\xef\xbb\xbf/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return { looksLike: 'JSON text', hint: EXPORT_HINT };
  if (/^<(!doctype|html|\?xml)/i.test(text))
    return {
      looksLike: 'an HTML or XML page (a download that saved a web page instead of the model)',
      hint: 'Download the model file itself (a direct link, or the hub\'s "resolve"/raw URL)',
    };
  return undefined;
}

/** After a failed parse: text (the ONNX text format, a script, a README) or, by default, nothing recognizable. */
export function sniffText(bytes: Uint8Array): Sniffed | undefined {
  const sample = bytes.subarray(0, 4096);
  if (sample.length === 0) return undefined;
  let printable = 0;
  for (const byte of sample) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127)) printable++;
  if (printable / sample.length < 0.95) return undefined;
  if (/ir_version|opset_import/.test(latin1(sample, 4096)))
    return {
      looksLike: 'the ONNX text format',
      hint: 'Save it as a binary model first: onnx.save_model(onnx.parser.parse_model(text), "model.onnx")',
    };
  return { looksLike: 'a text file', hint: EXPORT_HINT };
}

/** The first `max` bytes as Latin-1 (one character per byte), for comparing with magic strings. */
function latin1(bytes: Uint8Array, max: number): string {
  return String.fromCharCode(...bytes.subarray(0, max));
}

export { EXPORT_HINT };
