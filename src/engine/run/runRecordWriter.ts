import { hostname } from 'node:os';
import {
  RUN_HEARTBEAT_MS,
  RUN_RECORD_VERSION,
  type RunFailureInfo,
  type RunProgressInfo,
  type RunRecord,
} from '../../protocol/runRecord';
import type { TrainConfig } from '../../config/types';
import type { RunStore } from './runStore';

/** Fields a run adds to its record as it goes (the identity fields are fixed at the start). */
type RunRecordUpdate = Partial<
  Omit<RunRecord, 'recordVersion' | 'id' | 'configPath' | 'config' | 'enginePid' | 'host'>
>;

/** What the record starts with. */
export interface RunRecordStart {
  readonly configPath: string;
  readonly config: TrainConfig;
  readonly resumedFromStep?: number;
}

/**
 * The one writer of `run.json`: it starts the record as `running` with this process's id and host, rewrites the
 * heartbeat (and the progress) every {@link RUN_HEARTBEAT_MS} while the run goes on, and ends it as completed,
 * stopped or failed with a typed failure. Every write is atomic (the store writes a temporary file and renames it).
 */
export class RunRecordWriter {
  private current: RunRecord;
  private timer: NodeJS.Timeout | undefined;
  private progressInfo: RunProgressInfo | undefined;

  constructor(
    private readonly store: RunStore,
    start: RunRecordStart,
    private readonly now: () => Date = () => new Date(),
  ) {
    const at = this.now().toISOString();
    this.current = {
      recordVersion: RUN_RECORD_VERSION,
      id: store.id,
      configPath: start.configPath,
      config: start.config,
      status: 'running',
      enginePid: process.pid,
      host: hostname(),
      heartbeatAt: at,
      startedAt: at,
      ...(start.resumedFromStep !== undefined ? { resumedFromStep: start.resumedFromStep } : {}),
    };
    this.write();
    // The heartbeat lets a reader tell a live run from one whose engine was killed on another machine.
    this.timer = setInterval(() => this.write(), RUN_HEARTBEAT_MS);
    this.timer.unref();
  }

  /** The record as last written. */
  get record(): RunRecord {
    return this.current;
  }

  /** Adds fields (what was resolved, the environment) and writes the record. */
  update(fields: RunRecordUpdate): void {
    this.current = { ...this.current, ...fields };
    this.write();
  }

  /** Notes how far the run got; the next heartbeat writes it (progress is too frequent to write each time). */
  progress(progress: RunProgressInfo): void {
    this.progressInfo = progress;
  }

  /** Ends the record: completed or stopped (with the summary and timing), or failed with its cause. */
  finish(
    status: 'completed' | 'stopped' | 'failed',
    fields: RunRecordUpdate & { failure?: RunFailureInfo } = {},
  ): void {
    this.stopHeartbeat();
    const reason = fields.failure?.message ?? fields.reason;
    this.update({ ...fields, status, finishedAt: this.now().toISOString(), ...(reason ? { reason } : {}) });
  }

  /** Stops the heartbeat without ending the record (the process is going away). */
  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private write(): void {
    this.current = {
      ...this.current,
      heartbeatAt: this.now().toISOString(),
      ...(this.progressInfo ? { progress: this.progressInfo } : {}),
    };
    this.store.writeRunJson(this.current);
  }
}
