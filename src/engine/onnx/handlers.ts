import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import {
  OnnxCancelRequest,
  OnnxInspectRequest,
  OnnxMeasureRequest,
  OnnxProgressNotification,
} from '../../protocol/engine';
import { ONNX_ERROR_CODE } from '../../protocol/onnx';
import { OnnxModelError } from './errors';
import { inspectModel } from './inspect';
import { measureModel } from './measure';
import { loadOrt } from './runtime';

/** Progress notifications per measurement, at most this often (ms), besides the first and last of a phase. */
const PROGRESS_EVERY_MS = 200;

/** An ONNX failure as the JSON-RPC error the host turns back into a typed error. */
export function toResponseError(error: unknown): unknown {
  if (!(error instanceof OnnxModelError)) return error;
  return new ResponseError(ONNX_ERROR_CODE, error.message, error.toData());
}

/**
 * Registers the ONNX requests: measurements in fresh sessions (cancellable by id, with progress), in the engine
 * process so a crash of ONNX Runtime never takes the editor with it.
 */
export function registerOnnxHandlers(connection: MessageConnection): void {
  const cancelled = new Set<string>();
  const active = new Set<string>();

  connection.onRequest(OnnxMeasureRequest.type, async (params) => {
    active.add(params.id);
    let last = 0;
    try {
      const ort = await loadOrt();
      return await measureModel(ort, params, {
        cancelled: () => cancelled.has(params.id),
        progress: (phase, done, total) => {
          const now = performance.now();
          if (done !== 0 && done !== total && now - last < PROGRESS_EVERY_MS) return;
          last = now;
          void connection.sendNotification(OnnxProgressNotification.type, {
            id: params.id,
            phase,
            done,
            total: Number.isFinite(total) ? total : done,
          });
        },
      });
    } catch (error) {
      throw toResponseError(error);
    } finally {
      active.delete(params.id);
      cancelled.delete(params.id);
    }
  });

  connection.onRequest(OnnxInspectRequest.type, async (params) => {
    try {
      return await inspectModel(await loadOrt(), params);
    } catch (error) {
      throw toResponseError(error);
    }
  });

  connection.onRequest(OnnxCancelRequest.type, (params) => {
    if (!active.has(params.id)) return { accepted: false };
    cancelled.add(params.id);
    return { accepted: true };
  });
}
