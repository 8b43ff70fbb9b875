/**
 * Entry VS Code loads inside its extension host (`extensionTestsPath`): runs each test in order and rejects when
 * any fails, which makes the VS Code process exit non-zero. No test framework is needed for this handful.
 */
import { tests } from './extension.test';

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of tests) {
    try {
      await body();
      process.stdout.write(`ok - ${name}\n`);
    } catch (error) {
      failures.push(name);
      process.stdout.write(
        `not ok - ${name}\n  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  process.stdout.write(`${tests.length - failures.length} passed, ${failures.length} failed\n`);
  if (failures.length > 0) throw new Error(`${failures.length} extension test(s) failed: ${failures.join('; ')}`);
}
