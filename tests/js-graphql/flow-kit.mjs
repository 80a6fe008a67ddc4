// What the GraphQL flow scripts share: a GraphQL-over-HTTP call that records every document (for validation against
// the introspected schema at the end), typedData -> ethers signTypedData -> sendTransaction, waiting for a commit, and
// a graphql-ws subscription that collects its payloads. `where()` names the flow's current step for error messages.
import { TypedDataEncoder } from 'ethers';
import { buildClientSchema, getIntrospectionQuery, parse, validate } from 'graphql';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const SEND = 'mutation Send($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted hash errorCode errorMessage } }';
const TX = 'query Tx($h: Hash!) { transaction(hash: $h) { status kind blockHeight receipt { succeeded errorCode fee } } }';

// operatorToken (optional): sent as "Authorization: Bearer" so the node's administrative fields answer.
export function flowKit(url, where, operatorToken) {
  const documents = [];
  const signed = []; // { kind, primaryType, hash, ethersHashMatches, signer }

  async function gql(query, variables) {
    if (!documents.includes(query)) documents.push(query);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9',
        ...(operatorToken ? { authorization: `Bearer ${operatorToken}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors?.length) throw new Error(`GraphQL errors at ${where()} (${response.status}): ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  // typedData(<argument>: intent) -> ethers signTypedData -> sendTransaction(typedData, signature). Returns the hash.
  async function signAndSend(wallet, argument, intent) {
    const type = argument[0].toUpperCase() + argument.slice(1) + 'Intent';
    const td = (await gql(
      `mutation TypedData_${argument}($i: ${type}!) { typedData(${argument}: $i) { json hash primaryType } }`,
      { i: { from: wallet.address, ...intent } })).typedData;
    const typed = JSON.parse(td.json);
    const { EIP712Domain: _domain, ...types } = typed.types; // ethers derives the domain type itself
    const signature = await wallet.signTypedData(typed.domain, types, typed.message);
    const ethersHash = TypedDataEncoder.hash(typed.domain, types, typed.message);
    const send = (await gql(SEND, { s: { typedData: td.json, signature } })).sendTransaction;
    if (!send.accepted) throw new Error(`${argument} not accepted: ${JSON.stringify(send)}`);
    signed.push({ kind: argument, primaryType: td.primaryType, hash: send.hash, typedDataHash: td.hash, ethersHashMatches: ethersHash === td.hash, signer: wallet.address });
    return send.hash;
  }

  async function committed(hash) {
    for (let i = 0; i < 300; i++) {
      const tx = (await gql(TX, { h: hash })).transaction;
      if (tx?.status === 'COMMITTED') {
        if (!tx.receipt.succeeded) throw new Error(`${tx.kind} ${hash} failed at ${where()}: ${tx.receipt.errorCode}`);
        return tx;
      }
      await sleep(100);
    }
    throw new Error(`${hash} not committed in 30 s at ${where()}`);
  }

  const allCommitted = (hashes) => Promise.all(hashes.map(committed));

  // Subscribes with graphql-ws and collects every payload; resolves `waitFor` when a predicate holds.
  function watch(client, query, variables) {
    const events = [];
    const errors = [];
    const waiters = [];
    let completed = false;
    const settle = () => { for (const w of [...waiters]) if (w.check()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); } };
    const dispose = client.subscribe({ query, variables }, {
      next: (r) => {
        if (r.errors) errors.push(r.errors);
        if (r.data) events.push(Object.values(r.data)[0]);
        settle();
      },
      error: (e) => errors.push(String(e?.message ?? JSON.stringify(e))),
      complete: () => { completed = true; settle(); },
    });
    if (!documents.includes(query)) documents.push(query);
    return {
      events, errors, dispose, get completed() { return completed; },
      waitFor(predicate, ms = 15000, what = 'an event') {
        return new Promise((resolve, reject) => {
          const check = () => predicate(events);
          if (check()) return resolve();
          const t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms (got ${JSON.stringify(events)}; errors ${JSON.stringify(errors)})`)), ms);
          waiters.push({ check, resolve: () => { clearTimeout(t); resolve(); } });
        });
      },
    };
  }

  // graphql-js validates every document the flow sent against the schema it introspects from the node.
  async function documentErrors() {
    const intro = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }),
    }).then((r) => r.json());
    const schema = buildClientSchema(intro.data);
    return documents.map((d) => validate(schema, parse(d)).map((e) => e.message)).filter((e) => e.length > 0);
  }

  // Writes the flow's result as one JSON line, or its error to stderr with exit code 1; then closes the client.
  async function finish(client, timer, run) {
    try {
      process.stdout.write(JSON.stringify(await run()) + '\n');
    } catch (e) {
      process.stderr.write(`${e?.stack ?? e}\n`);
      process.exitCode = 1;
    } finally {
      await client.dispose();
      clearTimeout(timer);
    }
  }

  return { gql, signAndSend, committed, allCommitted, watch, documentErrors, finish, documents, signed };
}
