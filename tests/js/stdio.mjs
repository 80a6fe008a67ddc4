// JSON over stdin/stdout for the scripts the .NET tests run (tests/OpenLedger.Tests/Clients/NodeJs.cs).
// Errors go to stderr with exit code 1, so the caller can show them.

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new Error("expected JSON on stdin, got nothing");
  return JSON.parse(text);
}

export function writeJson(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
}

export function fail(error) {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
