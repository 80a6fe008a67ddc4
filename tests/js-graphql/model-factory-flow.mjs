// Model Factory and OpenLoRA through GraphQL only, with npm clients only (fetch, graphql-js, graphql-ws over ws, ethers 6):
// a text-label datanet gets its examples (uploaded, contributed, approved, published as version 1); startTrainingJob
// fine-tunes a LoRA adapter on it while the `trainingJob(id)` subscription streams its progress to completion; the
// publisher registers the model with the job's adapter and training record hashes (typedData + ethers); a caller
// requests an inference and the `inference(id)` subscription delivers the node's own answer (served by OpenLoRA, posted
// by its serving operator) with its provenance. Along the way: bad inputs get stable codes, adapters are administered.
//
// stdin:  { url, wsUrl, examples: [{ text, label }], keys: { owner, contributor, publisher, caller } }
// stdout: one JSON object with what the C# test asserts on (see the end of this file).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Wallet, keccak256, toUtf8Bytes } from 'ethers';
import { flowKit, readStdinJson, sleep } from './flow-kit.mjs';

const { url, wsUrl, examples, keys, operatorToken } = await readStdinJson();
const began = Date.now();
const timings = [];
let current = 'start';
// Each step's start (ms since the flow began), for the output and for a timeout's message.
const at = (name) => { current = name; timings.push([name, Date.now() - began]); };
const timer = setTimeout(() => {
  process.stderr.write(`model-factory-flow timed out at step: ${current} (${JSON.stringify(timings)})\n`);
  process.exit(1);
}, 280000);
const { gql, signAndSend, committed, allCommitted, watch, documentErrors, finish, documents, signed } = flowKit(url, () => current, operatorToken);

const owner = new Wallet(keys.owner);
const contributor = new Wallet(keys.contributor);
const publisher = new Wallet(keys.publisher);
const caller = new Wallet(keys.caller);
const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });

// A GraphQL call expected to fail: its extensions.code (null if it did not fail).
async function errorCode(query, variables) {
  try { await gql(query, variables); return null; } catch (e) {
    const match = /"code":"([^"]+)"/.exec(String(e.message));
    return match ? match[1] : String(e.message);
  }
}

const JOB_FIELDS = `id status datanet versionNumber datanetVersion baseModel rank alpha targetModules learningRate steps batchSize seed
  examples step totalSteps loss evalLoss initialEvalLoss tokensPerSecond etaSeconds attempts adapter trainingRecord influenceIndex spanIndex indexSeconds baseAccuracy accuracy
  errorCode message sequence silo flaggedContributions { contributionId score reason }`;

await finish(client, timer, async () => {
  at('createDatanet');
  const datanetId = await signAndSend(owner, 'createDatanet', {
    name: 'WordNet categories', description: 'Glosses labelled with their lexicographer file.', tags: ['wordnet'], license: 'WordNet-3.0',
    taskKind: 3, feePerKb: '0', stake: '0', forfeitTo: 1, curators: [],
  });
  await committed(datanetId);

  at('upload and contribute');
  const UPLOAD = 'mutation Upload($t: String!, $d: Hash) { uploadContent(text: $t, datanet: $d) { hash normalizedHash size } }';
  const contributionIds = [];
  for (const e of examples) {
    const u = (await gql(UPLOAD, { t: JSON.stringify({ text: e.text, label: e.label }), d: datanetId })).uploadContent;
    contributionIds.push(await signAndSend(contributor, 'contribute', {
      datanet: datanetId, content: u.hash, normalizedContent: u.normalizedHash, size: String(u.size),
    }));
  }
  await allCommitted(contributionIds);

  // Content that is not a text-label example is refused at admission, with its code, and nothing is recorded; the
  // upload naming the datanet already refuses it with the same code (uploaded without one, it reaches the send).
  at('bad contribution');
  const badText = '{"text":"a gloss","lable":"noun.animal"}';
  const badUpload = await errorCode(UPLOAD, { t: badText, d: datanetId });
  const bad = (await gql(UPLOAD, { t: badText, d: null })).uploadContent;
  const badTd = (await gql('mutation T($i: ContributeIntent!) { typedData(contribute: $i) { json } }',
    { i: { from: contributor.address, datanet: datanetId, content: bad.hash, normalizedContent: bad.normalizedHash, size: String(bad.size) } })).typedData;
  const badTyped = JSON.parse(badTd.json);
  const { EIP712Domain: _d, ...badTypes } = badTyped.types;
  const badSend = (await gql('mutation S($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted errorCode errorMessage } }',
    { s: { typedData: badTd.json, signature: await contributor.signTypedData(badTyped.domain, badTypes, badTyped.message) } })).sendTransaction;

  at('curate and publish');
  const curations = [];
  for (const id of contributionIds) curations.push(await signAndSend(owner, 'curate', { contribution: id, approve: true, reason: 'ok' }));
  await allCommitted(curations);
  await committed(await signAndSend(owner, 'publishVersion', { datanet: datanetId }));

  at('bad training requests');
  const START = `mutation Start($i: TrainingJobInput!) { startTrainingJob(input: $i) { ${JOB_FIELDS} } }`;
  const badCodes = {
    rank: await errorCode(START, { i: { datanet: datanetId, rank: 0 } }),
    target: await errorCode(START, { i: { datanet: datanetId, targetModules: ['wte'] } }),
    unknownDatanet: await errorCode(START, { i: { datanet: keccak256(toUtf8Bytes('no such datanet')) } }),
    unknownVersion: await errorCode(START, { i: { datanet: datanetId, versionNumber: 9 } }),
  };

  at('train');
  const input = { datanet: datanetId, steps: 60, batchSize: 8, learningRate: 0.005, seed: 3 };
  const started = (await gql(START, { i: input })).startTrainingJob;
  const progress = watch(client, `subscription Job($id: Hash!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`, { id: started.id });
  const again = (await gql(START, { i: input })).startTrainingJob;
  await progress.waitFor((es) => es.some((j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.status)), 120000, 'the end of the training job');
  await sleep(300);
  const job = (await gql(`query J($id: Hash!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`, { id: started.id })).trainingJob;
  if (job.status !== 'SUCCEEDED') throw new Error(`training job ended ${job.status}: ${job.errorCode} ${job.message}`);
  const record = JSON.parse((await gql('query R($j: Hash!) { trainingRecord(job: $j) }', { j: job.id })).trainingRecord);
  const jobs = (await gql('{ trainingJobs(limit: 10) { id status } }')).trainingJobs;

  at('registerModel');
  const price = '1000000000000000000';
  const modelId = await signAndSend(publisher, 'registerModel', {
    name: 'wordnet-categories', baseModel: job.baseModel, adapter: job.adapter, datanetVersions: [job.datanetVersion],
    trainingRecord: job.trainingRecord, price, ownerBps: 2000, contributorsBps: 7000, protocolBps: 1000,
  });
  await committed(modelId);

  at('requestInference');
  const question = examples[0].text;
  const inputHash = (await gql(UPLOAD, { t: question, d: null })).uploadContent.hash;
  const inferenceId = await signAndSend(caller, 'requestInference', { model: modelId, input: inputHash, maxFee: price });
  const INFERENCE_FIELDS = `id status input inputText output outputText server
    provenance { inference model modelVersion adapter trainingRecord baseModel datanetVersions input output server }`;
  const answer = watch(client, `subscription Inf($id: Hash!) { inference(id: $id) { ${INFERENCE_FIELDS} } }`, { id: inferenceId });
  await committed(inferenceId);
  await answer.waitFor((es) => es.some((i) => i.status === 'SERVED'), 60000, 'the served inference');
  const served = answer.events.find((i) => i.status === 'SERVED');
  answer.dispose();

  at('adapters');
  const ADAPTER = 'adapter state loads lastLoadMs bytes inUse served meanLatencyMs requests silo';
  const adaptersAfterServing = (await gql(`{ adapters { ${ADAPTER} } serving { baseModel budgetBytes usedBytes resident served failed servingOperator } }`));
  const act = (name, adapter) => gql(`mutation A($a: Hash!) { ${name}(adapter: $a) { ${ADAPTER} } }`, { a: adapter });
  const pinned = (await act('pinAdapter', job.adapter)).pinAdapter;
  const unloadPinnedCode = await errorCode('mutation U($a: Hash!) { unloadAdapter(adapter: $a) { state } }', { a: job.adapter });
  const unpinned = (await act('unpinAdapter', job.adapter)).unpinAdapter;
  const unloaded = (await act('unloadAdapter', job.adapter)).unloadAdapter;
  const unpinAgainCode = await errorCode('mutation U($a: Hash!) { unpinAdapter(adapter: $a) { state } }', { a: job.adapter });
  const reloaded = (await act('loadAdapter', job.adapter)).loadAdapter;
  const missingCode = await errorCode('mutation L($a: Hash!) { loadAdapter(adapter: $a) { state } }', { a: keccak256(toUtf8Bytes('no adapter')) });
  const notAdapterCode = await errorCode('mutation L($a: Hash!) { loadAdapter(adapter: $a) { state } }', { a: inputHash });
  // Refused at load, it is quarantined: listed with its reason until unloadAdapter clears the verdict.
  const quarantined = (await gql('{ adapters { adapter state reason } }')).adapters.find((a) => a.adapter === inputHash);
  const cleared = (await gql('mutation U($a: Hash!) { unloadAdapter(adapter: $a) { state reason } }', { a: inputHash })).unloadAdapter;

  at('validate documents');
  const errorsOfDocuments = await documentErrors();

  return {
    datanetId, contributionIds, badUpload, badSend, badCodes, started, again, job, record, jobs,
    progress: { events: progress.events, errors: progress.errors, completed: progress.completed },
    modelId, inferenceId, inputHash, served, answerErrors: answer.errors,
    adaptersAfterServing, pinned, unloadPinnedCode, unpinned, unloaded, unpinAgainCode, reloaded, missingCode, notAdapterCode,
    quarantined, cleared,
    signed, timings, documentCount: documents.length, documentErrors: errorsOfDocuments,
  };
});
