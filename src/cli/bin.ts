import { run } from "./run.js";

// The only file that touches the process: argv in, exit code out.

// A reader that goes away early (`vramfit gpus --json | head -c 100`) closes the pipe: that is
// the reader's choice, not an error, so stop quietly with success.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTerminal: process.stderr.isTTY,
  readStdin: async (maxBytes) => {
    let text = "";
    for await (const chunk of process.stdin) {
      text += String(chunk);
      if (text.length > maxBytes)
        throw new Error(`standard input is larger than ${maxBytes} bytes`);
    }
    return text;
  },
});
