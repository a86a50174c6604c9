import { endProcess, writeToProcess } from "./process-output.js";
import { run } from "./run.js";

// The only file that touches the process: argv in, exit code out. The launcher
// (src/cli/launcher.cts) runs it as CommonJS, so no top-level await.

void run(process.argv.slice(2), {
  stdout: (text) => {
    writeToProcess(1, text);
  },
  stderr: (text) => {
    writeToProcess(2, text);
  },
  env: process.env,
  cwd: process.cwd(),
  // A getter: asking creates process.stderr, which only progress (a Hub read) needs.
  get stderrIsTerminal() {
    return process.stderr.isTTY;
  },
  readStdin: async (maxBytes) => {
    let text = "";
    for await (const chunk of process.stdin) {
      text += String(chunk);
      if (text.length > maxBytes)
        throw new Error(`standard input is larger than ${maxBytes} bytes`);
    }
    return text;
  },
}).then(endProcess);
