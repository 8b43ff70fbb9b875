// The host's ONNX error lives with the requests that raise it; ONNX callers import it from here.
export { OnnxError } from '../engineClient/onnxError';
