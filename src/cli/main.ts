/** The bundled `trainlens` CLI entry (bin/trainlens.js loads it). */
import { runCli } from './program';

void runCli(process.argv.slice(2), {
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
  },
  engineDir: __dirname,
}).then((code) => {
  process.exitCode = code;
});
