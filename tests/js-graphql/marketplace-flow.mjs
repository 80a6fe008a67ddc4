// The whole marketplace, through GraphQL only, with npm clients only (fetch, graphql-js, graphql-ws over ws, ethers 6):
// upload three texts, create and update a datanet, contribute the texts, curate them (approve two, reject one),
// publish a version, register and update a model, request an inference, post its result (serving operator) and
// settle its attribution (attribution operator). Every transaction is built by the node's `typedData`, signed by an
// ethers Wallet (`signTypedData`, types without EIP712Domain) and sent back with `sendTransaction`. Along the way:
// `datanetActivity(id)` watches the datanet, `rewards(address)` watches a contributor (subscribed before settlement),
// `inference(id)` follows the paid inference from its request to its settlement,
// and the contribution's Merkle proof is checked here with ethers' keccak256.
//
// stdin:  { url, wsUrl, keys: { owner, contributors: [k1, k2, k3], publisher, caller, serving, attribution } }
// stdout: one JSON object with every id, event and query result the C# test asserts on (see the end of this file).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Wallet, keccak256, concat, toUtf8Bytes } from 'ethers';
import { flowKit, readStdinJson, sleep } from './flow-kit.mjs';

const { url, wsUrl, keys } = await readStdinJson();
const timer = setTimeout(() => {
  process.stderr.write(`marketplace-flow timed out at step: ${step}\n`);
  process.exit(1);
}, 110000);

let step = 'start';
const { gql, signAndSend, committed, allCommitted, watch, documentErrors, finish, documents, signed } = flowKit(url, () => step);

const owner = new Wallet(keys.owner);
const contributors = keys.contributors.map((k) => new Wallet(k));
const publisher = new Wallet(keys.publisher);
const caller = new Wallet(keys.caller);
const serving = new Wallet(keys.serving);
const attribution = new Wallet(keys.attribution);

const EVENT_FIELDS = 'height sequence txIndex kind subject party amount datanet model contribution inference detail txHash timestamp';
const DATANET_SUB = `subscription DatanetActivity($id: Hash!, $from: Long) { datanetActivity(id: $id, fromHeight: $from) { ${EVENT_FIELDS} } }`;
const REWARDS_SUB = `subscription Rewards($a: Address!, $from: Long) { rewards(address: $a, fromHeight: $from) { ${EVENT_FIELDS} } }`;
const REWARDS_ALL_SUB = `subscription RewardsAll($a: Address!, $from: Long) { rewards(address: $a, all: true, fromHeight: $from) { ${EVENT_FIELDS} } }`;
const BALANCE = 'query Balance($a: Address!) { account(address: $a) { balance } }';

const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
const h = (text) => keccak256(toUtf8Bytes(text));

await finish(client, timer, async () => {
  // 1. Three texts into the content store. The third is the first with its last words changed: a near-duplicate.
  step = 'upload';
  const base = 'The common starling is a medium sized passerine bird in the starling family. It is about twenty centimetres long '
    + 'and has glossy black plumage with a metallic sheen which is speckled with white at some times of year. The legs are pink '
    + 'and the bill is black in winter and yellow in summer. Young birds are browner than the adults. It is a noisy bird, '
    + 'especially in communal roosts and other gregarious situations, with an unmusical but varied song';
  const texts = [
    base + '.',
    'A datanet is a community dataset: contributors add examples, curators approve or reject them, and each published '
      + 'version freezes the approved examples under a Merkle root that models are trained on.',
    base + ' and a talent for mimicry.',
  ];
  const UPLOAD = 'mutation Upload($t: String!) { uploadContent(text: $t) { hash normalizedHash size } }';
  const uploads = [];
  for (const t of texts) uploads.push((await gql(UPLOAD, { t })).uploadContent);

  // 2. The owner creates a datanet; its id is the transaction's hash.
  step = 'createDatanet';
  const datanetId = await signAndSend(owner, 'createDatanet', {
    name: 'Birds of Europe', description: 'Short encyclopaedic texts about birds.', tags: ['birds', 'wordnet'], license: 'CC-BY-4.0',
    taskKind: 1, feePerKb: '1000000000000000', stake: '2000000000000000000', forfeitTo: 1, curators: [],
  });
  const created = await committed(datanetId);

  // 3. Watch the datanet from its creation (fromHeight replays what committed before the subscription was active, so
  //    no event falls between); then the owner names the publisher as a curator.
  step = 'datanetActivity';
  const activity = watch(client, DATANET_SUB, { id: datanetId, from: created.blockHeight });
  step = 'updateDatanet';
  await committed(await signAndSend(owner, 'updateDatanet', {
    datanet: datanetId, description: 'Short encyclopaedic texts about European birds.', tags: ['birds', 'wordnet', 'europe'], curators: [publisher.address],
  }));

  // 4. Three contributors, one text each.
  step = 'contribute';
  const contributionIds = await Promise.all(contributors.map((w, i) => signAndSend(w, 'contribute', {
    datanet: datanetId, content: uploads[i].hash, normalizedContent: uploads[i].normalizedHash, size: String(uploads[i].size),
  })));
  await allCommitted(contributionIds);

  // 5. The owner approves the first two (in order) and rejects the near-duplicate; nonces come from typedData.
  step = 'curate';
  const nearDuplicatesOfThird = (await gql(
    'query Near($id: Hash!) { contribution(id: $id) { nearDuplicates { contributionId similarity contribution { contributor } } } }',
    { id: contributionIds[2] })).contribution.nearDuplicates;
  // Uploading with the datanet named runs the same check before anything is signed.
  const nearDuplicatesOnUpload = (await gql(
    'mutation Again($t: String!, $d: Hash!) { uploadContent(text: $t, datanet: $d) { hash nearDuplicates { contributionId similarity } } }',
    { t: texts[2], d: datanetId })).uploadContent.nearDuplicates;
  const curations = [];
  curations.push(await signAndSend(owner, 'curate', { contribution: contributionIds[0], approve: true, reason: 'accurate' }));
  curations.push(await signAndSend(owner, 'curate', { contribution: contributionIds[1], approve: true, reason: 'on topic' }));
  curations.push(await signAndSend(owner, 'curate', { contribution: contributionIds[2], approve: false, reason: 'near-duplicate' }));
  await allCommitted(curations);

  // 6. The publisher, now a curator, publishes version 1.
  step = 'publishVersion';
  await committed(await signAndSend(publisher, 'publishVersion', { datanet: datanetId }));
  await activity.waitFor((es) => es.some((e) => e.kind === 'VERSION_PUBLISHED'), 15000, 'VERSION_PUBLISHED on datanetActivity');
  activity.dispose(); // completes the GraphQL subscription: the gateway lets go of its stream listener

  const DATANET = `query Datanet($id: Hash!) { datanet(id: $id) {
    id owner name description tags license taskKind feePerKb stake forfeitTo curators createdHeight
    contributionCount approvedCount rejectedCount expiredCount pendingCount versionCount
    contributions(first: 10) { nodes { id contributor status approvalIndex curator reason fee stake size content normalizedContent createdHeight deadlineHeight datanet { id } } pageInfo { hasNextPage endCursor } }
    approved: contributions(status: APPROVED) { nodes { id } }
    versions { nodes { id number root count publishedBy } }
    version { id number root count contributions { totalCount nodes { id content approvalIndex } } }
    activity(first: 50) { nodes { kind contribution height sequence } } } }`;
  const datanet = (await gql(DATANET, { id: datanetId })).datanet;
  const version = datanet.version;

  // 7. The version's Merkle root, recomputed here from its contributions' content in approval order.
  const leaf = (item) => keccak256(concat(['0x00', item]));
  const node = (l, r) => keccak256(concat(['0x01', l, r]));
  let level = version.contributions.nodes.map((c) => leaf(c.content));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? node(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  const recomputedRoot = level[0];

  // 8. The first contribution's proof, verified with ethers' keccak256.
  step = 'proof';
  const proof = (await gql(
    'query Proof($id: Hash!) { contribution(id: $id) { proof { version number root contribution content index count valid siblings { hash left } } } }',
    { id: contributionIds[0] })).contribution.proof;
  let acc = leaf(proof.content);
  for (const s of proof.siblings) acc = s.left ? node(s.hash, acc) : node(acc, s.hash);
  const proofVerifies = acc === proof.root && proof.root === version.root;
  const rejectedProof = (await gql(
    'query Proof($id: Hash!) { contribution(id: $id) { proof { version number root contribution content index count valid siblings { hash left } } } }',
    { id: contributionIds[2] })).contribution.proof;

  // 9. The publisher registers a model on version 1, then publishes its version 2 on the same data.
  step = 'registerModel';
  const price = '1000000000000000000';
  const modelId = await signAndSend(publisher, 'registerModel', {
    name: 'starling-lora', baseModel: 'openledger-base-1', adapter: h('adapter v1'), datanetVersions: [version.id],
    trainingRecord: h('training record v1'), price, ownerBps: 2000, contributorsBps: 7000, protocolBps: 1000,
  });
  await committed(modelId);
  step = 'updateModel';
  await committed(await signAndSend(publisher, 'updateModel', {
    model: modelId, price, status: 1, adapter: h('adapter v2'), trainingRecord: h('training record v2'), datanetVersions: [version.id],
  }));

  // 10. A caller pays for an inference and follows it (requested now, then each committed change until it closes);
  //     the serving operator posts its result.
  step = 'requestInference';
  const inferenceId = await signAndSend(caller, 'requestInference', { model: modelId, input: h('what does a starling sound like?'), maxFee: price });
  await committed(inferenceId);
  const followed = watch(client, 'subscription Follow($id: Hash!) { inference(id: $id) { id status output } }', { id: inferenceId });
  await followed.waitFor((es) => es.length > 0, 15000, 'the requested inference');
  step = 'postResult';
  const posted = await committed(await signAndSend(serving, 'postResult', { inference: inferenceId, output: h('a varied, unmusical song') }));

  // 11. Subscribe to the first contributor's rewards (and all of the caller's events) BEFORE settlement, from the block
  //    after the result: whenever the gateway's listeners become active, the settlement's events are replayed or live.
  step = 'subscribe rewards';
  const from = posted.blockHeight + 1;
  const rewardsSub = watch(client, REWARDS_SUB, { a: contributors[0].address, from });
  const callerAll = watch(client, REWARDS_ALL_SUB, { a: caller.address, from });
  const callerRewardsOnly = watch(client, REWARDS_SUB, { a: caller.address, from });
  const before = (await gql(BALANCE, { a: contributors[0].address })).account.balance;

  // 12. The attribution operator settles: weights 3:1 between the two approved contributions.
  step = 'settleAttribution';
  const settlement = await signAndSend(attribution, 'settleAttribution', {
    inference: inferenceId, record: h('attribution record'), contributions: [contributionIds[0], contributionIds[1]], weights: ['3', '1'],
  });
  await committed(settlement);
  await rewardsSub.waitFor((es) => es.some((e) => e.kind === 'REWARD_CREDITED'), 15000, 'REWARD_CREDITED on rewards(address)');
  await callerAll.waitFor((es) => es.some((e) => e.kind === 'INFERENCE_SETTLED'), 15000, 'INFERENCE_SETTLED on rewards(address, all: true)');
  await followed.waitFor(() => followed.completed, 15000, 'the inference subscription to complete after settlement');
  const after = (await gql(BALANCE, { a: contributors[0].address })).account.balance;

  // 13. The reward totals follow the committed events (the reward grain may lag a moment behind the block).
  step = 'rewards query';
  const REWARDS = `query RewardsOf($a: Address!) {
    rewards(address: $a) { account total totalOpen count asOfHeight byRole { scope amount count } byDatanet { scope amount count } byModel { scope amount count } }
    account(address: $a) { rewards { total } rewardHistory(first: 10) { nodes { kind amount inference contribution datanet model detail } } } }`;
  const expected = rewardsSub.events.find((e) => e.kind === 'REWARD_CREDITED')?.amount;
  let rewards = null;
  for (let i = 0; i < 100; i++) {
    rewards = await gql(REWARDS, { a: contributors[0].address });
    if (rewards.rewards.total === expected) break;
    await sleep(100);
  }

  step = 'final queries';
  const MODEL = `query Model($id: Hash!) { model(id: $id) { id owner name baseModel price ownerBps contributorsBps protocolBps status version createdHeight inferenceCount
    versions { number adapter trainingRecord height datanetVersionIds datanetVersions { id number root datanet { id name } } }
    inferences { nodes { id status } } } }`;
  const model = (await gql(MODEL, { id: modelId })).model;
  const INFERENCE = `query Inference($id: Hash!) { inference(id: $id) { id modelId modelVersion caller input escrow ownerBps contributorsBps protocolBps status
    output server record settler createdHeight deadlineHeight resolvedHeight model { name }
    rewards { kind party amount detail contribution datanet inference } } }`;
  const inference = (await gql(INFERENCE, { id: inferenceId })).inference;
  const LISTS = `query Lists($d: Hash!, $c: Address!, $o: Address!, $m: Hash!, $v: Hash!, $h: Hash!) {
    byContributor: contributions(contributor: $c) { nodes { id status reason } }
    rejected: contributions(datanet: $d, status: REJECTED) { nodes { id } }
    datanets(owner: $o) { nodes { id name } }
    models(owner: $o) { nodes { id } }
    inferences(model: $m) { nodes { id status } }
    datanetVersion(id: $v) { id number count datanet { id } }
    content(hash: $h) { hash normalizedHash size text base64 }
    marketEvents(datanet: $d, first: 100) { nodes { kind } pageInfo { hasNextPage } } }`;
  const lists = await gql(LISTS, {
    d: datanetId, c: contributors[2].address, o: owner.address, m: modelId, v: version.id, h: uploads[1].hash,
  });
  const publisherModels = (await gql('query Models($o: Address!) { models(owner: $o, status: ACTIVE) { nodes { id } } }', { o: publisher.address })).models;

  // 14. graphql-js validates every document this script sent against the introspected schema.
  step = 'validate documents';
  const errorsOfDocuments = await documentErrors();

  rewardsSub.dispose();
  callerAll.dispose();
  callerRewardsOnly.dispose();

  return {
    addresses: {
      owner: owner.address, contributors: contributors.map((w) => w.address), publisher: publisher.address,
      caller: caller.address, serving: serving.address, attribution: attribution.address,
    },
    uploads, datanetId, contributionIds, modelId, inferenceId, settlement, signed,
    nearDuplicatesOfThird, nearDuplicatesOnUpload,
    datanet, recomputedRoot, proof, proofVerifies, rejectedProof,
    model, inference, lists, publisherModels,
    activity: { events: activity.events, errors: activity.errors },
    rewardsEvents: rewardsSub.events, rewardsErrors: rewardsSub.errors,
    callerAllEvents: callerAll.events, callerRewardsOnlyEvents: callerRewardsOnly.events,
    followedInference: { events: followed.events, errors: followed.errors, completed: followed.completed },
    balanceBefore: before, balanceAfter: after,
    rewards,
    documentCount: documents.length, documentErrors: errorsOfDocuments,
  };
});
