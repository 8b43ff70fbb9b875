/**
 * The extension-host ↔ webview protocol.
 *
 * Webviews are browser code: this file is types only and imports nothing from Node or `vscode`. A webview posts
 * `ReadyMessage` once its script runs; the host posts nothing before that (ready handshake). Everything a webview
 * sends is untrusted: the host validates each message (src/extension/panels/webviewMessages.ts) before acting.
 */
import type { OnnxErrorKind, OnnxModelSummary, OnnxProviderInfo, OnnxTuning } from './onnx';
import type { CompareView, ProfileView } from './profileView';
import type { EnvironmentReport } from './types';

/** Sent by a webview once its script has loaded and it can receive messages. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Sent by the environment panel when the user asks to probe the machine again. */
export interface RefreshEnvironmentMessage {
  readonly type: 'environment/refresh';
}

/**
 * Sent by the profile panel when the user clicks Apply (or Apply and re-run) on a finding. Only the finding's id
 * travels: the host applies the fix of the finding it sent, never a path or value from the webview.
 */
export interface ApplyFindingMessage {
  readonly type: 'finding/apply';
  readonly findingId: string;
  readonly rerun: boolean;
}

/**
 * Sent by the profile panel's Copy on a finding's code. Only the finding's id and the language travel: the host
 * copies the code of the finding it sent, never text from the webview.
 */
export interface CopyFindingCodeMessage {
  readonly type: 'finding/copy';
  readonly findingId: string;
  readonly language: SnippetLanguage;
}

/** Sent by the run dashboard's Stop button: end the run gracefully (emergency checkpoint). */
export interface StopRunMessage {
  readonly type: 'run/stop';
}

/** Sent by the tuning panel's Apply: write the best settings into the YAML. */
export interface TuneApplyMessage {
  readonly type: 'tune/apply';
}

/** Sent by the tuning panel's Cancel: stop the tuning. */
export interface TuneCancelMessage {
  readonly type: 'tune/cancel';
}

/**
 * Sent by the tuning panel's Copy on an ONNX tuning's snippet. Only the language travels: the host copies the snippet
 * it computed itself.
 */
export interface TuneCopyMessage {
  readonly type: 'tune/copy';
  readonly language: SnippetLanguage;
}

/** The languages of an ONNX tuning's snippet. */
export type SnippetLanguage = 'javascript' | 'python';

/** Sent by the ONNX model editor's Profile button: profile the model the editor shows. */
export interface OnnxProfileMessage {
  readonly type: 'onnx/profile';
}

/** Sent by the ONNX model editor's Optimize button: tune the session options of the model the editor shows. */
export interface OnnxOptimizeMessage {
  readonly type: 'onnx/optimize';
}

/**
 * Sent by the profile panel's Distributed view when the user opens one rank's profile from its row. Only the rank
 * travels: the host opens the trace it holds for that rank, never a path from the webview.
 */
export interface OpenRankMessage {
  readonly type: 'distributed/openRank';
  readonly rank: number;
}

/** Everything a webview may send to the host. */
export type WebviewToHostMessage =
  | ReadyMessage
  | RefreshEnvironmentMessage
  | ApplyFindingMessage
  | CopyFindingCodeMessage
  | StopRunMessage
  | TuneApplyMessage
  | TuneCancelMessage
  | TuneCopyMessage
  | OnnxProfileMessage
  | OnnxOptimizeMessage
  | OpenRankMessage;

/** Sent by the host to the environment panel with a fresh report from the engine. */
export interface EnvironmentUpdateMessage {
  readonly type: 'environment/update';
  readonly report: EnvironmentReport;
  /** ISO time the engine produced the report. */
  readonly probedAt: string;
}

/** Sent by the host when producing the data for a panel failed; the panel shows the message. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/** Sent by the host to the profile panel: the profile to show (a run, an imported trace, an ONNX profile). */
export interface ShowProfileMessage {
  readonly type: 'profile/show';
  readonly view: ProfileView;
  /** Whether the panel can apply fixes (a config file is known and the workspace is trusted). */
  readonly canApply: boolean;
  /** Where the profile came from, for the panel to persist (the host reloads it after a window reload). */
  readonly source: string;
}

/** Sent by the host to the profile panel: two profiles compared. */
export interface ShowCompareMessage {
  readonly type: 'compare/show';
  readonly view: CompareView;
  /** The two profiles' files, for the panel to persist. */
  readonly source: string;
  readonly compareWith: string;
}

/** Sent by the host after an Apply: whether the config changed, and what happened. */
export interface FindingAppliedMessage {
  readonly type: 'finding/applied';
  readonly findingId: string;
  readonly ok: boolean;
  readonly message: string;
}

/** Sent by the host while a run trains: the state of the live dashboard. */
export interface RunUpdateMessage {
  readonly type: 'run/update';
  readonly update: RunDashboardUpdate;
}

/** One update of the live run dashboard (new points are appended to the curves). */
export interface RunDashboardUpdate {
  readonly title: string;
  readonly status: 'starting' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';
  readonly step: number;
  readonly totalSteps: number;
  readonly backend?: string;
  readonly samplesPerSec?: number;
  readonly etaMs?: number;
  /** New metric points since the last update: step and values (loss, val_loss, data_wait_ms…). */
  readonly points: ReadonlyArray<{ readonly step: number; readonly values: Readonly<Record<string, number>> }>;
  /** New memory samples since the last update. */
  readonly memory: ReadonlyArray<{ readonly tMs: number; readonly tensorBytes: number; readonly rssBytes: number }>;
  /** Mean time per step in each phase so far (ms), when the run records phases. */
  readonly phasesMs?: Readonly<Record<string, number>>;
  /** How the run ended, once it has. */
  readonly message?: string;
  readonly runDir?: string;
}

/** Sent by the host to the tuning panel: every trial so far and, at the end, the result. */
export interface TuneUpdateMessage {
  readonly type: 'tune/update';
  readonly title: string;
  readonly status: 'running' | 'done' | 'cancelled' | 'failed' | 'applied';
  readonly trials: readonly TuneTrialView[];
  readonly message?: string;
  readonly result?: {
    readonly baselineId: number;
    readonly bestId: number;
    readonly speedup: number;
    readonly diff: string;
    readonly notes: readonly string[];
  };
}

/** One trial as the tuning panel shows it (the CLI contract's Trial with its id and phase). */
export interface TuneTrialView {
  readonly id: number;
  readonly phase: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly status: string;
  readonly samplesPerSec: number;
  /** Time to the target loss (objective time to loss), ms. */
  readonly timeToLossMs?: number;
  readonly stepMs: { readonly p50: number; readonly p90: number };
  readonly peakMemoryBytes: number;
  readonly reason?: string;
}

/**
 * Sent by the host to the tuning panel for an ONNX model: the status and, once done, the session trials, the best
 * settings and their snippet. The panel's other case (a training config) is {@link TuneUpdateMessage}.
 */
export interface OnnxTuneUpdateMessage {
  readonly type: 'onnx-tune/update';
  /** The model's file name. */
  readonly title: string;
  readonly status: 'running' | 'done' | 'cancelled' | 'failed';
  /** The latest progress line, or how it ended. */
  readonly message?: string;
  /** The tuning's outcome, once it is done. */
  readonly tuning?: OnnxTuning;
}

/** Sent by the host after a finding's Copy: its code in `language` is on the clipboard. */
export interface FindingCopiedMessage {
  readonly type: 'finding/copied';
  readonly findingId: string;
  readonly language: SnippetLanguage;
}

/** Sent by the host after a Copy: the snippet in `language` is on the clipboard. */
export interface TuneCopiedMessage {
  readonly type: 'tune/copied';
  readonly language: SnippetLanguage;
}

/**
 * Sent by the host to the ONNX model editor: everything it shows (a state; the latest one wins). A model that cannot
 * be read has `error` instead of `summary`; in an untrusted workspace, `notice` says why nothing was read.
 */
export interface OnnxModelMessage {
  readonly type: 'onnx/model';
  /** The model's file name, for the heading. */
  readonly file: string;
  readonly status: 'loading' | 'ready' | 'error' | 'untrusted';
  readonly summary?: OnnxModelSummary;
  /** The execution providers of this machine's ONNX Runtime, with why not when one is unavailable. */
  readonly providers?: readonly OnnxProviderInfo[];
  /** Why the model could not be read: the message, the way out and the kind (`not-onnx`, `truncated`, …). */
  readonly error?: { readonly message: string; readonly hint?: string; readonly kind?: OnnxErrorKind };
  /** Why Profile and Optimize are not offered (an untrusted workspace). */
  readonly notice?: string;
  /** The operation running on this model now; its button is disabled until it ends. */
  readonly busy?: 'profile' | 'optimize';
}

/** Everything the host may send to a webview. */
export type HostToWebviewMessage =
  | TuneUpdateMessage
  | OnnxTuneUpdateMessage
  | TuneCopiedMessage
  | OnnxModelMessage
  | EnvironmentUpdateMessage
  | ErrorMessage
  | ShowProfileMessage
  | ShowCompareMessage
  | FindingAppliedMessage
  | FindingCopiedMessage
  | RunUpdateMessage;

/** What the profile panel persists: where its profile came from (the host reloads it) and the open tab. */
export interface ProfilePanelState {
  readonly source?: string;
  /** For a compare panel: the second profile. */
  readonly compareWith?: string;
  readonly tab?: string;
}

/** What a panel persists with `vscode.setState` so it can be restored after a window reload. */
export interface EnvironmentPanelState {
  readonly lastUpdate?: EnvironmentUpdateMessage;
}
