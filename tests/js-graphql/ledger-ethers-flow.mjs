// A wallet's whole round trip against an OpenLedger node, with npm clients only (graphql-ws over ws, fetch, ethers 6):
// watch `blocks`, ask `typedData` for a transfer, sign it with an ethers Wallet, submit it with `sendTransaction`,
// follow `transaction(hash)` until it commits (the stream then completes), and read balances before and after.
//
// stdin:  { "url": "http://127.0.0.1:PORT/graphql", "wsUrl": "ws://127.0.0.1:PORT/graphql",
//           "privateKey": "0x..", "to": "0x..", "amount": "<wei, decimal>" }
// stdout: { from, to, amount, hash, typedDataHash, ethersHash, primaryType, signature, send: {accepted, hash, errorCode,
//           errorMessage}, statuses: [..], final: {status, blockHeight, index, receipt {succeeded, fee, gasUsed}},
//           blockHeights: [..], before: {from, to}, after: {from, to}, fee, transactionCompleted }
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Wallet, TypedDataEncoder } from 'ethers';

async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const { url, wsUrl, privateKey, to, amount } = await readStdinJson();
const timer = setTimeout(() => {
  process.stderr.write('ledger-ethers-flow timed out\n');
  process.exit(1);
}, 40000);

async function gql(query, variables) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(`GraphQL errors (${response.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

const BALANCES = `query Balances($from: Address!, $to: Address!) {
  sender: account(address: $from) { address balance nonce nextNonce }
  recipient: account(address: $to) { address balance }
}`;

const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
const wallet = new Wallet(privateKey);
const from = wallet.address;

try {
  // 1. Watch blocks from the start.
  const blockHeights = [];
  const blockHashes = {};
  const blocksError = [];
  const stopBlocks = client.subscribe(
    { query: 'subscription Blocks { blocks { height hash transactionHashes } }' },
    {
      next: (r) => {
        if (r.errors) blocksError.push(r.errors);
        const b = r.data?.blocks;
        if (b) { blockHeights.push(b.height); blockHashes[b.height] = b.transactionHashes; }
      },
      error: (e) => blocksError.push(String(e?.message ?? JSON.stringify(e))),
      complete: () => {},
    });
  // Give the subscription a moment to be registered on the server before anything can commit.
  await new Promise((r) => setTimeout(r, 300));

  const before = await gql(BALANCES, { from, to });

  // 2. Ask the node what to sign.
  const td = (await gql(
    `mutation TypedData($t: TransferIntent!) { typedData(transfer: $t) { json hash primaryType } }`,
    { t: { from, to, amount: String(amount) } })).typedData;
  const typed = JSON.parse(td.json);
  const { EIP712Domain: _domainType, ...types } = typed.types; // ethers derives the domain type itself
  const signature = await wallet.signTypedData(typed.domain, types, typed.message);
  const ethersHash = TypedDataEncoder.hash(typed.domain, types, typed.message);

  // 3. Submit.
  const send = (await gql(
    `mutation Send($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted hash errorCode errorMessage } }`,
    { s: { typedData: td.json, signature } })).sendTransaction;
  if (!send.accepted) throw new Error(`not accepted: ${JSON.stringify(send)}`);

  // 4. Follow it until it commits: the stream completes after COMMITTED.
  const statuses = [];
  let final = null;
  await new Promise((resolve, reject) => {
    client.subscribe(
      {
        query: `subscription Tx($h: Hash!) { transaction(hash: $h) { hash status blockHeight index receipt { succeeded fee gasUsed } } }`,
        variables: { h: send.hash },
      },
      {
        next: (r) => {
          if (r.errors) return reject(new Error(JSON.stringify(r.errors)));
          statuses.push(r.data.transaction.status);
          final = r.data.transaction;
        },
        error: (e) => reject(new Error(`transaction subscription failed: ${JSON.stringify(e?.message ?? e)}`)),
        complete: () => resolve(),
      });
  });

  // Let the blocks stream deliver the same block (both come from the node's block feed).
  for (let i = 0; i < 50 && final?.blockHeight != null && !blockHeights.includes(final.blockHeight); i++)
    await new Promise((r) => setTimeout(r, 100));
  stopBlocks();

  const after = await gql(BALANCES, { from, to });
  const receipt = (await gql(
    `query Tx($h: Hash!) { transaction(hash: $h) { status blockHeight receipt { succeeded fee gasUsed } block { height hash } } }`,
    { h: send.hash })).transaction;

  process.stdout.write(JSON.stringify({
    from, to, amount: String(amount),
    hash: send.hash,
    typedDataHash: td.hash,
    ethersHash,
    primaryType: td.primaryType,
    signature,
    send,
    statuses,
    final,
    transactionCompleted: true,
    blockHeights,
    blockTxHashes: blockHashes,
    blocksErrors: blocksError,
    before: { from: before.sender.balance, to: before.recipient.balance, nonce: before.sender.nonce },
    after: { from: after.sender.balance, to: after.recipient.balance, nonce: after.sender.nonce },
    fee: receipt?.receipt?.fee ?? null,
    queried: receipt,
  }) + '\n');
  await client.dispose();
  clearTimeout(timer);
} catch (e) {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
  await client.dispose();
  clearTimeout(timer);
}
