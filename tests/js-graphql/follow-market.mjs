// Follows an account's rewards and a datanet's activity with the real graphql-ws client, the way a wallet or a
// dashboard should: each event printed once, in order, as a JSON line; when the node it is connected to goes away it
// connects to the next URL and subscribes again from the height of the last event it saw (`fromHeight`), dropping the
// replayed events it already has by (height, sequence). Ends when stdin closes or says "stop".
// Usage: node follow-market.mjs '{"urls":["ws://127.0.0.1:P/graphql",...],"address":"0x..","datanet":"0x..","fromHeight":0}'
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import readline from 'node:readline';

const cfg = JSON.parse(process.argv[2] ?? '{}');
if (!Array.isArray(cfg.urls) || cfg.urls.length === 0 || !cfg.address || !cfg.datanet) {
  console.error('usage: node follow-market.mjs \'{"urls":[...],"address":"0x..","datanet":"0x..","fromHeight":0}\'');
  process.exit(2);
}

const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const last = { rewards: null, datanet: null }; // [height, sequence] of the last event printed per feed
const isNew = (feed, e) => {
  const l = last[feed];
  return !l || e.height > l[0] || (e.height === l[0] && e.sequence > l[1]);
};

const feeds = {
  rewards: {
    field: 'rewards',
    query: 'subscription($a: Address!, $h: Long) { rewards(address: $a, fromHeight: $h) { height sequence kind amount inference contribution timestamp } }',
    variables: (h) => ({ a: cfg.address, h }),
  },
  datanet: {
    field: 'datanetActivity',
    query: 'subscription($d: Hash!, $h: Long) { datanetActivity(id: $d, fromHeight: $h) { height sequence kind subject party timestamp } }',
    variables: (h) => ({ d: cfg.datanet, h }),
  },
};

let attempt = 0;
let current = null;
let stopping = false;

function connect() {
  if (stopping) return;
  const url = cfg.urls[attempt % cfg.urls.length];
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  const connection = { client, dead: false };
  current = connection;
  const reconnect = (why) => {
    if (connection.dead || stopping) return;
    connection.dead = true;
    emit({ reconnect: url, why: String(why).slice(0, 300) });
    client.dispose();
    attempt++;
    setTimeout(connect, 300);
  };
  for (const [name, feed] of Object.entries(feeds)) {
    // From the last event's height (its block may hold more events for this feed), else from the start asked for.
    const from = last[name] ? last[name][0] : cfg.fromHeight;
    client.subscribe({ query: feed.query, variables: feed.variables(from) }, {
      next: (r) => {
        if (r.errors?.length) return reconnect(JSON.stringify(r.errors));
        const e = r.data[feed.field];
        if (!isNew(name, e)) return;
        last[name] = [e.height, e.sequence];
        emit({ feed: name, at: Date.now(), ...e });
      },
      error: (err) => reconnect(Array.isArray(err) ? JSON.stringify(err) : (err?.message ?? err?.reason ?? err?.code ?? JSON.stringify(err))),
      complete: () => reconnect('completed by the server'),
    });
  }
  emit({ connected: url });
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stop') finish();
}).on('close', finish);

function finish() {
  if (stopping) return;
  stopping = true;
  current?.client.dispose();
  emit({ stopped: true });
  setTimeout(() => process.exit(0), 50);
}

connect();
