// Subscribes to `ticks` with the real graphql-ws client (over the `ws` WebSocket) and prints what it received as
// one JSON line. Also runs a query through the same socket. Usage: node subscribe-ticks.mjs ws://127.0.0.1:PORT/graphql
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2];
if (!url) {
  console.error('usage: node subscribe-ticks.mjs <ws-url>');
  process.exit(2);
}

const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });

function run(payload) {
  return new Promise((resolve, reject) => {
    const results = [];
    client.subscribe(payload, {
      next: (value) => results.push(value),
      error: (error) => reject(error),
      complete: () => resolve(results),
    });
  });
}

const timer = setTimeout(() => {
  console.error('timed out');
  process.exit(1);
}, 20000);

try {
  const ticks = await run({ query: 'subscription Ticks($n: Int!) { ticks(count: $n, intervalMs: 20) }', variables: { n: 3 } });
  const hello = await run({ query: '{ hello(name: "graphql-ws") }' });
  let rejected = null;
  try {
    await run({ query: '{ nope }' });
  } catch (errors) {
    rejected = errors;
  }
  console.log(JSON.stringify({
    ticks: ticks.map((r) => r.data.ticks),
    hello: hello.map((r) => r.data.hello),
    // graphql-ws hands the sink the protocol's error payload (an array of GraphQL errors).
    rejected: Array.isArray(rejected) ? rejected.map((e) => e.extensions?.code) : String(rejected?.message ?? rejected),
  }));
  await client.dispose();
  clearTimeout(timer);
} catch (error) {
  console.error('failed:', error);
  process.exit(1);
}
