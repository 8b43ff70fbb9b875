import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { EngineErrorCodes, EnvironmentRequest, StartRunRequest } from '../protocol/engine';
import { EngineClient } from './engineClient';

// A real engine child process, run from sources through tsx, spoken to over its IPC channel.
const ENGINE = join(__dirname, '..', 'engine', 'main.ts');
const start = () =>
  EngineClient.start({ enginePath: ENGINE, execArgv: ['--import', 'tsx'], clientName: 'engine-client-test' });

test('handshake returns the engine environment, and shutdown is a clean expected exit', async () => {
  const client = await start();
  assert.equal(client.info.pid, client.pid);
  assert.equal(client.info.environment.node.version, process.version);
  assert.ok(client.info.environment.backends.some((b) => b.name === 'wasm' && b.status === 'installed'));
  const exit = await client.shutdown();
  assert.deepEqual(exit, { code: 0, signal: null, reason: 'shutdown requested', expected: true });
});

test('a run of an unreadable config is refused with the file named, profiled or not', async () => {
  const client = await start();
  try {
    await assert.rejects(
      client.connection.sendRequest(StartRunRequest.type, { configPath: '/nonexistent/quickstart.yaml' }),
      (error: unknown) =>
        error instanceof ResponseError &&
        error.code === EngineErrorCodes.invalidConfig &&
        /cannot read the config/.test(error.message) &&
        (error.data as { file: string }).file === '/nonexistent/quickstart.yaml',
    );
    await assert.rejects(
      client.connection.sendRequest(StartRunRequest.type, { configPath: '/x.yaml', profile: true }),
      (error: unknown) =>
        error instanceof ResponseError &&
        error.code === EngineErrorCodes.invalidConfig &&
        (error.data as { file: string }).file === '/x.yaml',
    );
  } finally {
    await client.shutdown();
  }
});

test('a crash of the engine is reported as unexpected', async () => {
  const client = await start();
  const exited = new Promise<Parameters<Parameters<EngineClient['onExit']>[0]>[0]>((r) => client.onExit(r));
  process.kill(client.pid!, 'SIGKILL');
  const exit = await exited;
  assert.equal(exit.expected, false);
  assert.equal(exit.signal, 'SIGKILL');
});

test('the environment can be probed again on request', async () => {
  const client = await start();
  try {
    const report = await client.connection.sendRequest(EnvironmentRequest.type);
    assert.equal(report.node.version, process.version);
    assert.deepEqual(
      report.backends.map((b) => b.name),
      client.info.environment.backends.map((b) => b.name),
    );
  } finally {
    await client.shutdown();
  }
});
