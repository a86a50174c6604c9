// The floor of the bench's cold Hub estimate: the least a Node client can do for it. Model info,
// then config.json, the index and every shard's first 100,000 bytes in parallel over keep-alive
// node:http; the headers parsed and the parameter count printed. No library, no checks, no
// cache, no formatting. tests/scripts/bench/hub-processes.mjs runs it beside `vramfit estimate`.
// Usage: HF_ENDPOINT=... HF_TOKEN=... node floor-client.cjs org/name
const http = require("node:http");

const endpoint = process.env.HF_ENDPOINT;
const agent = new http.Agent({ keepAlive: true });

/** The body of GET `path`, with `range` when given. */
function get(path, range) {
  const headers = { Authorization: `Bearer ${process.env.HF_TOKEN}` };
  if (range !== undefined) headers.Range = range;
  return new Promise((resolve, reject) => {
    const request = http.get(endpoint + path, { agent, headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks)));
    });
    request.on("error", reject);
  });
}

async function main(repo) {
  const infoPath = `/api/models/${repo}/revision/main?expand=sha&expand=safetensors&expand=siblings`;
  const info = JSON.parse(await get(infoPath));
  const shards = info.siblings
    .map((sibling) => sibling.rfilename)
    .filter((name) => name.endsWith(".safetensors"));
  const at = `/${repo}/resolve/${info.sha}/`;
  const [config, index, ...windows] = await Promise.all([
    get(`${at}config.json`, "bytes=0-262143"),
    get(`${at}model.safetensors.index.json`, "bytes=0-262143"),
    ...shards.map((name) => get(at + name, "bytes=0-99999")),
  ]);
  JSON.parse(config);
  JSON.parse(index);
  let parameters = 0;
  for (const window of windows) {
    const headerLength = Number(window.readBigUInt64LE(0));
    const header = JSON.parse(window.subarray(8, 8 + headerLength));
    for (const [name, tensor] of Object.entries(header)) {
      if (name !== "__metadata__") parameters += tensor.shape.reduce((a, b) => a * b, 1);
    }
  }
  process.stdout.write(`${parameters}\n`);
  agent.destroy();
}

void main(process.argv[2]);
