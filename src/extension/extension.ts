/**
 * Extension entry. Activation is cheap: it creates the output channel and registers commands; the engine process
 * starts only when a command needs it.
 */
import * as vscode from 'vscode';
import { autoBackend } from '../protocol/backends';
import { formatEnvironmentReport } from '../engineClient/environmentText';
import { TRAINLENS_VERSION } from '../protocol/version';
import { COMMANDS, type CommandId } from './commandTable';
import { ConfigFeatures } from './config/configFeatures';
import { NEW_CONFIG_TEMPLATE } from '../config/template';
import { EngineService } from './engineService';
import { createOutputChannel } from './output';
import { runTrainingCommand } from './runs/runCommand';
import { optimizeConfigCommand } from './tuning/optimizeCommand';
import { ConfigCodeLenses } from './config/codeLens';
import { optimizeOnnxCommand, profileOnnxCommand, type OnnxServices } from './onnx/onnxCommands';
import { registerOnnxEditor } from './onnx/onnxEditor';
import { EnvironmentPanel, registerEnvironmentPanelSerializer } from './panels/environmentPanel';
import { TraceFolderKey } from './traceFolderKey';
import { opensAsTraceFolder } from '../analysis/folderView';
import { ProfilePanel, registerProfilePanelSerializer, type ProfilePanelServices } from './panels/profilePanel';

/** Everything the command handlers share; lives as long as the extension. */
interface Services {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly engine: EngineService;
  /** Where TrainLens keeps files of its own (ONNX profiles): the workspace's storage, or the extension's. */
  readonly storageUri: vscode.Uri;
}

/** One handler per command id; the type makes a missing or extra handler a compile error. */
const handlers: Record<CommandId, (services: Services, argument?: unknown) => Promise<unknown> | void> = {
  'trainlens.showEnvironment': showEnvironment,
  'trainlens.openEnvironmentPanel': (services) => EnvironmentPanel.show(services),
  'trainlens.restartEngine': async ({ engine, log }) => {
    const client = await engine.restart();
    log.info(`Engine restarted (pid ${client.info.pid}).`);
    void vscode.window.showInformationMessage(`TrainLens engine restarted (pid ${client.info.pid}).`);
  },
  'trainlens.runTraining': (services, argument) => runTrainingCommand(services, argument),
  'trainlens.profileTraining': async (services, argument) => {
    const summary = await runTrainingCommand(services, argument, { profile: true });
    if (summary && summary.status !== 'failed')
      await ProfilePanel.open(panelServices(services), vscode.Uri.file(summary.runDir));
  },
  'trainlens.optimizeConfig': (services, argument) => optimizeConfigCommand(services, argument),
  'trainlens.profileOnnx': (services, argument) => profileOnnxCommand(onnxServices(services), argument),
  'trainlens.optimizeOnnx': (services, argument) => optimizeOnnxCommand(onnxServices(services), argument),
  'trainlens.openProfile': async (services, argument) => {
    const target = argument instanceof vscode.Uri ? argument : (await pickProfiles('Open', false))?.[0];
    if (!target) return;
    // A folder that is not a TrainLens run is a trace folder (tensorboard_trace_handler's): its job or newest trace.
    if (opensAsTraceFolder(target.fsPath)) await ProfilePanel.openFolder(panelServices(services), target);
    else await ProfilePanel.open(panelServices(services), target);
  },
  'trainlens.compareProfiles': async (services, argument) => {
    const first = argument instanceof vscode.Uri ? argument : (await pickProfiles('Before', false))?.[0];
    if (!first) return;
    const second = (await pickProfiles('After', false))?.[0];
    if (second) await ProfilePanel.compare(panelServices(services), first, second);
  },
  'trainlens.newConfig': newConfig,
  'trainlens.showOutput': ({ log }) => log.show(),
};

export function activate(context: vscode.ExtensionContext): void {
  const log = createOutputChannel();
  const engine = new EngineService(context.extensionUri, log);
  const storageUri = context.storageUri ?? context.globalStorageUri;
  const services: Services = { extensionUri: context.extensionUri, log, engine, storageUri };
  context.subscriptions.push(
    log,
    engine,
    new ConfigFeatures(),
    vscode.languages.registerCodeLensProvider({ language: 'yaml', scheme: 'file' }, new ConfigCodeLenses()),
    new TraceFolderKey(log),
  );

  for (const command of COMMANDS) {
    const handler = handlers[command.id];
    context.subscriptions.push(
      vscode.commands.registerCommand(command.id, async (argument?: unknown) => {
        if (command.requiresTrust && !vscode.workspace.isTrusted) {
          void vscode.window.showWarningMessage(
            `TrainLens: "${command.title}" starts processes, which is disabled in an untrusted workspace. Trust the workspace to use it; config validation works without trust.`,
          );
          return;
        }
        try {
          return await handler(services, argument);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log.error(`${command.title} failed: ${message}`);
          void vscode.window
            .showErrorMessage(`TrainLens: ${command.title} failed: ${message}`, 'Show Output')
            .then((choice) => {
              if (choice) log.show();
            });
        }
      }),
    );
  }
  context.subscriptions.push(
    registerEnvironmentPanelSerializer(services),
    registerProfilePanelSerializer(panelServices(services)),
    registerOnnxEditor(services),
  );
  log.info(`TrainLens ${TRAINLENS_VERSION} activated.`);
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the engine; nothing else runs.
}

async function showEnvironment(services: Services): Promise<void> {
  const { log, engine } = services;
  const client = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'TrainLens: starting the engine' },
    () => engine.get(),
  );
  const report = client.info.environment;
  log.info(`Environment reported by engine ${client.info.engineVersion} (pid ${client.info.pid}):`);
  for (const line of formatEnvironmentReport(report).trimEnd().split('\n')) log.info(line);
  const backend = autoBackend(report.backends)?.name ?? 'none';
  const gpu = report.gpus[0]?.name ?? 'no GPU';
  const choice = await vscode.window.showInformationMessage(
    `TrainLens engine ${client.info.engineVersion} ready: backend ${backend}, ${gpu}, Node ${report.node.version}.`,
    'Open Panel',
    'Show Output',
  );
  if (choice === 'Open Panel') EnvironmentPanel.show(services);
  if (choice === 'Show Output') log.show();
}

/** What profile panels need: the extension's files, the log, and a way to start a profiled run (Apply and re-run). */
function panelServices(services: Services): ProfilePanelServices {
  return {
    extensionUri: services.extensionUri,
    log: services.log,
    profileConfig: async (config) => (await runTrainingCommand(services, config, { profile: true }))?.runDir,
  };
}

/** What the ONNX commands need: the engine, the storage folder for profiles, and the profile panel's services. */
function onnxServices(services: Services): OnnxServices {
  return { ...services, profilePanel: panelServices(services) };
}

/** Asks for a trace file (.json, .json.gz), a run folder or a trace folder. */
function pickProfiles(label: string, canSelectMany: boolean): Thenable<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    title: `TrainLens: choose a trace, a trace folder or a run folder (${label})`,
    openLabel: label,
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany,
    filters: { 'Traces and profiles': ['json', 'gz'] },
  });
}

async function newConfig(): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: NEW_CONFIG_TEMPLATE });
  await vscode.window.showTextDocument(document);
}
