import { randomUUID } from 'node:crypto';
import {
  OnnxCancelRequest,
  OnnxInspectRequest,
  OnnxMeasureRequest,
  OnnxProgressNotification,
} from '../protocol/engine';
import { OnnxError } from './onnxError';
import type { EngineClient } from './engineClient';

/** What a caller hears while a measurement runs, and how it stops it. */
export interface MeasureCallbacks {
  readonly onProgress?: (progress: OnnxProgressNotification.Params) => void;
  readonly signal?: AbortSignal;
}

const listeners = new WeakMap<EngineClient, Map<string, (p: OnnxProgressNotification.Params) => void>>();

/** Routes `onnx/progress` by measurement id (one handler per client, like run notifications). */
function progressRoutes(client: EngineClient): Map<string, (p: OnnxProgressNotification.Params) => void> {
  let routes = listeners.get(client);
  if (!routes) {
    const created = new Map<string, (p: OnnxProgressNotification.Params) => void>();
    client.connection.onNotification(OnnxProgressNotification.type, (p) => created.get(p.id)?.(p));
    listeners.set(client, created);
    routes = created;
  }
  return routes;
}

/**
 * Sends an ONNX request, failing with an {@link OnnxError} (not a closed connection) if the engine process ends
 * while ONNX Runtime works on the model: a native crash in ORT ends only the engine, never the caller.
 */
function send<R>(client: EngineClient, request: () => Promise<R>, modelPath: string): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    client.onExit((exit) =>
      reject(
        new OnnxError(
          `ONNX model ${modelPath}: the engine process ended while ONNX Runtime worked on the model (${exit.reason}). ` +
            'The model may be corrupt or need an operator this ONNX Runtime build mishandles; check it with onnx.checker.check_model',
          'session',
          modelPath,
        ),
      ),
    );
    request().then(resolve, (error: unknown) => {
      const typed = OnnxError.from(error);
      reject(typed instanceof Error ? typed : new Error(String(typed)));
    });
  });
}

/** Asks the engine for a model's summary and providers; rejects with an {@link OnnxError} for a bad model. */
export async function inspectOnnxModel(
  client: EngineClient,
  params: OnnxInspectRequest.Params,
): Promise<OnnxInspectRequest.Result> {
  return send(client, () => client.connection.sendRequest(OnnxInspectRequest.type, params), params.modelPath);
}

/**
 * Measures one fresh session in the engine. An abort of `signal` cancels it in the engine (the session is
 * released there) and rejects with an {@link OnnxError} of kind `cancelled`.
 */
export async function measureOnnxModel(
  client: EngineClient,
  params: Omit<OnnxMeasureRequest.Params, 'id'>,
  callbacks: MeasureCallbacks = {},
): Promise<OnnxMeasureRequest.Result> {
  const id = randomUUID();
  const routes = progressRoutes(client);
  if (callbacks.onProgress) routes.set(id, callbacks.onProgress);
  const cancel = () => void client.connection.sendRequest(OnnxCancelRequest.type, { id }).catch(() => undefined);
  callbacks.signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (callbacks.signal?.aborted)
      throw new OnnxError(`${params.modelPath}: the measurement was cancelled.`, 'cancelled');
    return await send(
      client,
      () => client.connection.sendRequest(OnnxMeasureRequest.type, { ...params, id }),
      params.modelPath,
    );
  } finally {
    routes.delete(id);
    callbacks.signal?.removeEventListener('abort', cancel);
  }
}
