/**
 * Entry VS Code loads inside its extension host (`extensionTestsPath`): runs each test in order and rejects when
 * any fails, which makes the VS Code process exit non-zero. No test framework is needed for this handful.
 */
import { tests } from './extension.test';

/** No single test may hang VS Code: each gets this long. */
const TEST_TIMEOUT_MS = 120_000;

function withTimeout(name: string, body: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" did not finish in ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
  });
  return Promise.race([body(), timeout]).finally(() => clearTimeout(timer));
}

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of tests) {
    const started = Date.now();
    try {
      await withTimeout(name, body);
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures.push(name);
      console.log(`not ok - ${name}\n  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  console.log(`${tests.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} extension test(s) failed: ${failures.join('; ')}`);
}
