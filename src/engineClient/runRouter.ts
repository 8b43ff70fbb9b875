import type { MessageConnection } from 'vscode-jsonrpc';
import {
  MemorySampleNotification,
  MetricsNotification,
  ProgressNotification,
  RunFailedNotification,
  RunFinishedNotification,
} from '../protocol/engine';

/** A run notification as the router hands it on, by method. */
export type RunEvent =
  | { readonly method: 'progress'; readonly params: ProgressNotification.Params }
  | { readonly method: 'metrics'; readonly params: MetricsNotification.Params }
  | { readonly method: 'memory'; readonly params: MemorySampleNotification.Params }
  | { readonly method: 'finished'; readonly params: RunFinishedNotification.Params }
  | { readonly method: 'failed'; readonly params: RunFailedNotification.Params };

/** Receives the events of one run. */
export type RunEventSink = (event: RunEvent) => void;

/** Events kept for a run id nobody has claimed yet (its start answer is still on the way); older ones are dropped. */
const MAX_EARLY_EVENTS = 1000;

/**
 * One handler per run notification on a connection, dispatching each to the session of its `runId`, so several
 * runs (and tuning trials) share one engine and each sees only its own events. vscode-jsonrpc keeps one handler per
 * method: registering per run would hand a second run the first run's events.
 *
 * A run's first events can arrive before the answer to `run/start` that tells the host its id; they wait here until
 * the session claims the id.
 */
export class RunRouter {
  private readonly sinks = new Map<string, RunEventSink>();
  private readonly early = new Map<string, RunEvent[]>();

  constructor(connection: MessageConnection) {
    connection.onNotification(ProgressNotification.type, (params) => this.route({ method: 'progress', params }));
    connection.onNotification(MetricsNotification.type, (params) => this.route({ method: 'metrics', params }));
    connection.onNotification(MemorySampleNotification.type, (params) => this.route({ method: 'memory', params }));
    connection.onNotification(RunFinishedNotification.type, (params) => this.route({ method: 'finished', params }));
    connection.onNotification(RunFailedNotification.type, (params) => this.route({ method: 'failed', params }));
  }

  /** Sends the run's events to `sink` from now on, after those that arrived before; returns the release. */
  claim(runId: string, sink: RunEventSink): () => void {
    this.sinks.set(runId, sink);
    const waiting = this.early.get(runId) ?? [];
    this.early.delete(runId);
    for (const event of waiting) sink(event);
    return () => {
      if (this.sinks.get(runId) === sink) this.sinks.delete(runId);
    };
  }

  /** Runs with a session on this connection. */
  get active(): number {
    return this.sinks.size;
  }

  private route(event: RunEvent): void {
    const runId = event.params.runId;
    const sink = this.sinks.get(runId);
    if (sink) {
      sink(event);
      return;
    }
    const waiting = this.early.get(runId) ?? [];
    if (waiting.length >= MAX_EARLY_EVENTS) waiting.shift();
    waiting.push(event);
    this.early.set(runId, waiting);
  }
}
