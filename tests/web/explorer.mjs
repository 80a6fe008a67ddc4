// The explorer in a real browser against a real node: Debian's Chromium, headless, driven by playwright-core. One
// browser, one context; a test wallet (EIP-1193, signing with ethers in Node through an exposed function) is injected
// into every page. Every page is checked for console errors and by axe-core, screenshotted, and timed.
//
// stdin:  { "url": "http://127.0.0.1:PORT/", "walletKey": "0x..", "devAccount": { "index": 2, "address": "0x.." },
//           "recipient": "0x..", "ownerKey": "0x..", "contributorKeys": ["0x..", "0x.."],
//           "screenshots": "/abs/dir", "chromium": "/usr/bin/chromium" }
// (ownerKey creates a datanet naming the wallet its curator; contributorKeys fill its curation queue.)
// stdout: { checks: { name: true|string }, pages: [{ name, readyMs, violations: [...], consoleErrors: [...] }],
//           liveBlockMs, firstLoad: { jsBytes, jsTransferBytes }, transfer: { hash, height }, devTransfer: {...} }
import { Wallet } from 'ethers';
import { readStdinJson, results, gqlAt, sendAsWith, succeeded, launch, injectWallet, watchConsole, recordQueries, pages } from './kit.mjs';

const input = await readStdinJson();
const base = input.url.replace(/\/$/, '');
const wallet = new Wallet(input.walletKey);
const { out, check } = results();
const gql = gqlAt(base);
// Outside the page (the datanet's owner and its contributors): typedData -> ethers -> sendTransaction, as any client.
const sendAs = sendAsWith(gql);
const committed = (hash) => succeeded(gql, hash);

const browser = await launch(input.chromium);
// Console errors are reported even when a step fails (they often say why).
const consoleErrors = [];
const watchdog = setTimeout(() => { process.stderr.write('explorer.mjs timed out\n'); process.exit(2); }, 230_000);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The test wallet (kit.mjs): what MetaMask offers a page, on the node's chain, signing with ethers in Node. Its
  // second key (the datanet owner's) is the account it switches to in step 11b.
  const { chainId } = (await gql('{ chain { chainId } }')).chain;
  const testWallet = await injectWallet(context, [input.walletKey, input.ownerKey], { chainId });
  const watch = (page, label) => watchConsole(page, label, consoleErrors);

  const page = await context.newPage();
  watch(page, 'main');
  // The GraphQL documents the page sends over HTTP: which fields a page asks for (not what it computes itself).
  const sentQueries = recordQueries(page);
  // Opens a page by its address (a full load, as a visitor would), waits until it is interactive, checks it.
  const { visit, audit } = pages(page, base, out, input.screenshots);

  // 1. Overview, first load: how much JavaScript came over the wire.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('[data-ready=overview]');
  out.firstLoad = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.js'))
    .reduce((a, e) => ({ jsTransferBytes: a.jsTransferBytes + e.encodedBodySize, jsBytes: a.jsBytes + e.decodedBodySize }), { jsTransferBytes: 0, jsBytes: 0 }));
  await page.waitForSelector('[data-testid=link-state]:has-text("Live")', { timeout: 10_000 });
  check('overview shows live link', true);
  sentQueries.length = 0;
  await visit('overview', '#/', '[data-ready=overview]');
  // The charts start from the node's own counts per bucket, not from a page of blocks counted in the browser.
  check('overview charts start from chainActivity', sentQueries.some((q) => q.includes('chainActivity'))
    && !sentQueries.some((q) => /"first":100\b/.test(q)), sentQueries.join('\n'));

  // 2. A second tab keeps the overview open and records when each head height appears.
  const watcher = await context.newPage();
  watch(watcher, 'overview-tab');
  await watcher.goto(`${base}/#/`);
  await watcher.waitForSelector('[data-ready=overview]');
  await watcher.waitForSelector('[data-testid=link-state]:has-text("Live")', { timeout: 10_000 });
  await watcher.evaluate(() => {
    window.__heads = [];
    const el = document.querySelector('[data-testid=head-height]');
    new MutationObserver(() => window.__heads.push({ text: el.textContent, at: Date.now() }))
      .observe(el, { subtree: true, childList: true, characterData: true });
  });

  // 3. Send a transfer with the injected wallet: fee shown before signing, followed to committed.
  await visit('send', '#/send', '[data-ready=send]');
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`);
  await page.fill('#send-to', input.recipient);
  await page.fill('#send-amount', '1.25');
  const feeText = await page.textContent('[data-testid=send-fee]');
  check('fee shown before signing', /21000 gas/.test(feeText ?? ''), feeText);
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.waitForSelector('[data-testid=send-status]:has-text("committed")', { timeout: 20_000 });
  const sentHash = await page.getAttribute('[data-testid=send-result] a[href^="#/tx/"]', 'title');
  await audit('send-committed', null);
  const tx = (await gql('query($h: Hash!) { transaction(hash: $h) { status blockHeight from to amount block { timestamp } } }', { h: sentHash })).transaction;
  out.transfer = { hash: sentHash, height: tx.blockHeight, from: tx.from, to: tx.to, amount: tx.amount };
  check('transfer committed on the node', tx.status === 'COMMITTED', JSON.stringify(tx));

  // 4. The overview tab showed that block: how long after it was sealed.
  await watcher.waitForFunction((h) => window.__heads.some((x) => x.text === `#${h}` || Number(x.text.replace('#', '')) >= h), tx.blockHeight, { timeout: 10_000 });
  const heads = await watcher.evaluate(() => window.__heads);
  const shown = heads.find((x) => Number(x.text.replace('#', '')) >= tx.blockHeight);
  out.liveBlockMs = shown.at - Date.parse(tx.block.timestamp);
  check('live block on overview', true);
  await watcher.close();

  // 5. The transaction page: receipt, and the Merkle proof verified in the browser.
  await visit('transaction', `#/tx/${sentHash}`, '[data-ready=tx]');
  const proof = await page.textContent('[data-testid=proof-result]');
  check('proof verified in browser', proof.includes('Verified in your browser'), proof);
  check('receipt shown', (await page.textContent('[data-testid=receipt]')).includes('succeeded'));
  check('each page has its own title', (await page.title()).startsWith('Transaction 0x'), await page.title());

  // 5b. A block of several transactions (a batch the test signs with ethers and sends in one request): a proof with
  // real sibling steps, verified in the browser; and the same proof with one sibling changed on its way to the page
  // (the node's answer rewritten in flight) is NOT verified: the page checks, it does not trust.
  const next = BigInt((await gql('query($a: Address!) { account(address: $a) { nextNonce } }', { a: wallet.address })).account.nextNonce);
  const batch = [];
  for (let i = 0n; i < 5n; i++) {
    const td = (await gql('mutation($t: TransferIntent!) { typedData(transfer: $t) { json } }',
      { t: { from: wallet.address, to: input.recipient, amount: String(1000n + i), nonce: String(next + i) } })).typedData;
    const typed = JSON.parse(td.json);
    const { EIP712Domain: _d, ...types } = typed.types;
    batch.push({ typedData: td.json, signature: await wallet.signTypedData(typed.domain, types, typed.message) });
  }
  const sent = (await gql('mutation($s: [SignedTransactionInput!]!) { sendTransactions(signed: $s) { accepted hash errorCode } }', { s: batch })).sendTransactions;
  check('batch accepted', sent.every((x) => x.accepted), JSON.stringify(sent));
  const last = sent[sent.length - 1].hash;
  for (let i = 0; i < 100; i++) {
    const t = (await gql('query($h: Hash!) { transaction(hash: $h) { status } }', { h: last })).transaction;
    if (t?.status === 'COMMITTED') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const middle = sent[2].hash;
  const deep = (await gql('query($h: Hash!) { transaction(hash: $h) { blockHeight inclusionProof { count steps { sibling } } } }', { h: middle })).transaction;
  await visit('transaction-in-batch', `#/tx/${middle}`, '[data-ready=tx]');
  const deepText = await page.textContent('[data-testid=proof-result]');
  check('multi-step proof verified in browser', deep.inclusionProof.steps.length > 0 && deepText.includes('Verified in your browser'),
    `${deep.inclusionProof.steps.length} steps of ${deep.inclusionProof.count}: ${deepText}`);
  await page.route('**/graphql', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    const steps = body.data?.transaction?.inclusionProof?.steps;
    if (steps?.length) steps[0].sibling = '0x' + (steps[0].sibling[2] === '0' ? '1' : '0') + steps[0].sibling.slice(3);
    await route.fulfill({ response, json: body });
  });
  await visit('transaction-tampered-proof', `#/tx/${middle}`, '[data-ready=tx]');
  check('tampered proof is not verified', (await page.textContent('[data-testid=proof-result]')).includes('NOT verified'));
  await page.unroute('**/graphql');

  // 6. The block page lists it; the blocks list links the block.
  await visit('block', `#/block/${tx.blockHeight}`, '[data-ready=block]');
  check('block lists the transaction', await page.locator(`a[title="${sentHash}"]`).count() > 0);
  await visit('blocks', '#/blocks', '[data-ready=blocks]');
  check('blocks list links the block', await page.locator(`a[href="#/block/${tx.blockHeight}"]`).count() > 0);

  // 7. The account page: balance and the transfer.
  await visit('account', `#/account/${wallet.address}`, '[data-ready=account]');
  check('account lists the transfer', await page.locator(`a[title="${sentHash}"]`).count() > 0);
  // Its rewards (the marketplace flow that ran first settled an inference crediting this contributor).
  const rewards = (await gql('query($a: Address!) { rewards(address: $a) { total count } }', { a: wallet.address })).rewards;
  out.rewardsShown = rewards;
  const roles = await page.locator('table[aria-label=Role]').textContent().catch(() => '');
  check('account shows rewards by role', rewards.count > 0 && roles.includes('contributor'), `${JSON.stringify(rewards)}: ${roles}`);
  const byDatanet = await page.locator('table[aria-label=Datanet]').textContent().catch(() => '');
  check('account shows rewards by datanet name', byDatanet.includes('Birds of Europe')
    && await page.locator('table[aria-label=Datanet] a[href^="#/datanet/0x"]').count() > 0, byDatanet);
  const byModel = await page.locator('table[aria-label=Model]').textContent().catch(() => '');
  check('account shows rewards by model name', byModel.includes('starling-lora'), byModel);
  check('account shows the cumulative rewards chart', await page.locator('[aria-label^="Cumulative rewards chart"]').count() === 1);
  const acct = (await gql('query($a: Address!) { account(address: $a) { balance } }', { a: wallet.address })).account;
  const shownBalance = await page.textContent('[data-testid=account-balance]');
  check('account balance shown', shownBalance.includes(BigInt(acct.balance) / 10n ** 18n > 0n ? (BigInt(acct.balance) / 10n ** 18n).toLocaleString('en-US') : '0'), `${shownBalance} vs ${acct.balance}`);

  // 8. Search: an address, a transaction hash, a block height, an unknown hash, something that is none of these.
  const search = async (q) => {
    await page.fill('#search-input', q);
    await page.getByRole('button', { name: 'Search' }).click();
  };
  await search(input.recipient);
  await page.waitForSelector(`[data-ready=account] [data-testid=account-address]:has-text("${input.recipient}")`);
  check('search by address', true);
  await search(sentHash);
  await page.waitForSelector('[data-ready=tx]');
  check('search by transaction hash', page.url().endsWith(`#/tx/${sentHash}`), page.url());
  await search(String(tx.blockHeight));
  await page.waitForSelector('[data-ready=block]');
  check('search by height', page.url().endsWith(`#/block/${tx.blockHeight}`), page.url());
  await search('0x' + 'ab'.repeat(32));
  await page.waitForSelector('[data-ready=search]');
  check('unknown hash says so', (await page.textContent('main')).includes('Nothing on this node matches'));
  await audit('search-unknown', null);
  await search('0x1234');
  await page.waitForSelector('[data-ready=search] [data-error-code]');
  check('wrong search input has its code', await page.getAttribute('[data-error-code]', 'data-error-code') === 'INVALID_SEARCH');

  // 8b. The node's search finds marketplace objects: a datanet opens its page; a contribution is listed with its
  // datanet linked; a model opens its page.
  const market = await gql(`{ datanets(first: 5) { nodes { id name versionCount
      contributions(first: 10) { nodes { id status } } versions(first: 1) { nodes { root } } } }
    models(first: 1) { nodes { id name } } }`);
  const birds = market.datanets.nodes.find((d) => d.name === 'Birds of Europe');
  out.datanet = { id: birds.id, contributions: birds.contributions.nodes.length, versions: birds.versionCount };
  await search(birds.id);
  await page.waitForSelector('[data-ready=datanet]');
  check('search by datanet id opens the datanet', page.url().endsWith(`#/datanet/${birds.id}`), page.url());
  const contribution = birds.contributions.nodes[0];
  await search(contribution.id);
  await page.waitForSelector('[data-ready=search] [data-testid=search-matches]');
  const contributionMatch = page.locator('[data-kind=CONTRIBUTION]');
  check('search by contribution id lists it with its datanet', (await contributionMatch.textContent()).includes('Birds of Europe')
    && await contributionMatch.locator(`a[href="#/datanet/${birds.id}"]`).count() === 1, await contributionMatch.textContent());
  check('search also lists the transaction that created it', await page.locator(`[data-kind=TRANSACTION] a[href="#/tx/${contribution.id}"]`).count() === 1);
  await audit('search-contribution', null);
  const model = market.models.nodes[0];
  await search(model.id);
  await page.waitForSelector('[data-ready=model]');
  check('search by model id opens the model page', page.url().endsWith(`#/model/${model.id}`)
    && (await page.textContent('[data-testid=model-name]')) === model.name, page.url());

  // 8c. The datanets list and a datanet's page: task, fees, stake, curators, versions with roots, contributions.
  await visit('datanets', '#/datanets', '[data-ready=datanets]');
  check('datanets list links the datanet', await page.locator(`[data-testid=datanets] a[href="#/datanet/${birds.id}"]`).count() === 1);
  check('nav links the datanets', await page.locator('nav[aria-label=Main] a[href="#/datanets"][aria-current=page]').count() === 1);
  await visit('datanet', `#/datanet/${birds.id}`, '[data-ready=datanet]');
  const fields = await page.textContent('[data-testid=datanet-fields]');
  check('datanet shows task, fee, stake and curators', /Task/.test(fields) && /per started KiB/.test(fields) && /locked until curation/.test(fields)
    && await page.locator('[data-testid=datanet-curators] a[href^="#/account/0x"]').count() >= 1, fields);
  check('datanet shows its versions with roots', await page.locator(`[data-testid=datanet-versions] [title="${birds.versions.nodes[0].root}"]`).count() === 1);
  const rows = await page.locator('[data-testid=datanet-contributions] tbody tr').count();
  const statuses = await page.locator('[data-testid=datanet-contributions] tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.status));
  check('datanet lists its contributions with status', rows === birds.contributions.nodes.length
    && statuses.includes('APPROVED') && statuses.includes('REJECTED'), JSON.stringify(statuses));
  check('datanet flags a near duplicate', await page.locator('[data-testid=datanet-contributions] [data-testid=near-duplicate]').count() > 0);
  check('datanet page has its own title', (await page.title()).startsWith('Datanet 0x'), await page.title());
  // 8d. Contribute text through the page with the injected wallet: the fee and stake shown before signing are the
  // node's contributionCost for its size; signed, followed to committed, and listed on the page.
  const text = `The European robin is a small insectivorous passerine bird with an orange breast, seen at ${Date.now()}.`;
  const size = Buffer.byteLength(text, 'utf8');
  const cost = (await gql('query($d: Hash!, $n: Long!) { datanet(id: $d) { contributionCost(size: $n) { fee stake total } } }',
    { d: birds.id, n: size })).datanet.contributionCost;
  await page.fill('#contribute-text', text);
  await page.getByRole('button', { name: 'See the cost' }).click();
  await page.waitForSelector('[data-testid=contribute-review]');
  const shownFee = await page.getAttribute('[data-testid=contribute-fee]', 'data-wei');
  const shownStake = await page.getAttribute('[data-testid=contribute-stake]', 'data-wei');
  check('contribution cost shown before signing', shownFee === cost.fee && shownStake === cost.stake,
    `${shownFee}/${shownStake} vs ${JSON.stringify(cost)}`);
  await audit('datanet-contribute-review', null);
  await page.getByRole('button', { name: 'Sign and contribute' }).click();
  await page.waitForSelector('[data-testid=contribute-status]:has-text("committed")', { timeout: 20_000 });
  const contributed = await page.getAttribute('[data-testid=contribute-result] a[href^="#/tx/"]', 'title');
  const mine = (await gql('query($h: Hash!) { contribution(id: $h) { contributor status size datanetId } }', { h: contributed })).contribution;
  out.contributed = { id: contributed, ...mine };
  check('contribution committed from the page', mine?.contributor.toLowerCase() === wallet.address.toLowerCase()
    && mine.datanetId === birds.id && mine.size === size, JSON.stringify(mine));
  await page.waitForSelector(`[data-testid=datanet-contributions] [title="${contributed}"]`, { timeout: 10_000 })
    .then(() => check('datanet page lists the new contribution', true), () => check('datanet page lists the new contribution', false));
  await audit('datanet-contributed', null);
  await visit('datanet-unknown', `#/datanet/0x${'ef'.repeat(32)}`, '[data-ready=datanet-missing]');
  check('unknown datanet says so', (await page.textContent('main')).includes('knows no datanet'));

  // 8d. The curation queue and publishing, by the wallet as a curator: the owner (outside the page) creates a datanet
  // naming the wallet its curator, and two contributors fill its queue with four texts.
  const owner = new Wallet(input.ownerKey);
  const contributors = input.contributorKeys.map((k) => new Wallet(k));
  const desk = await sendAs(owner, 'createDatanet', {
    name: 'Curation desk', description: 'Short texts curated in the browser.', tags: ['test'], license: 'CC0-1.0',
    taskKind: 1, feePerKb: '1000000000000000', stake: '1000000000000000000', forfeitTo: 1, curators: [wallet.address] });
  await committed(desk);
  const deskTexts = [
    'The barn swallow nests in barns and stables and feeds on insects caught in flight over fields and water.',
    'The white stork walks slowly through wet meadows hunting frogs, fish and insects, and nests on roofs and chimneys.',
    'Bananas are yellow and this sentence is not about birds at all, so the curator should turn it down.',
    'The common kingfisher dives from a perch into clear streams to catch small fish with its long sharp bill.',
  ];
  const queued = [];
  for (const [i, t] of deskTexts.entries()) {
    const up = (await gql('mutation($t: String!, $d: Hash!) { uploadContent(text: $t, datanet: $d) { hash normalizedHash size } }', { t, d: desk })).uploadContent;
    queued.push(await sendAs(contributors[i % contributors.length], 'contribute',
      { datanet: desk, content: up.hash, normalizedContent: up.normalizedHash, size: String(up.size) }));
  }
  await Promise.all(queued.map(committed));
  const queueOnNode = (await gql('query($d: Hash!) { datanet(id: $d) { curationQueue(first: 10) { nodes { id } } } }', { d: desk }))
    .datanet.curationQueue.nodes.map((n) => n.id);
  await visit('datanet-curation', `#/datanet/${desk}`, '[data-testid=curation-actions]');
  const shownQueue = await page.locator('[data-testid=curation-queue] tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.id));
  check('curation queue lists the pending contributions in the node\'s order', shownQueue.length === 4
    && JSON.stringify(shownQueue) === JSON.stringify(queueOnNode), `${shownQueue} vs ${queueOnNode}`);
  // Approve two and reject one in ONE bulk action: one signature per intent, one sendTransactions call.
  const decide = (id, d) => page.locator(`[data-testid=curation-queue] tr[data-id="${id}"] select`).selectOption(d);
  await decide(queued[0], 'approve');
  await decide(queued[1], 'approve');
  await decide(queued[2], 'reject');
  await page.fill('#approve-reason', 'accurate');
  check('a rejection needs a reason', await page.getByRole('button', { name: 'Sign and submit 3 decisions' }).isDisabled());
  await page.fill('#reject-reason', 'off topic');
  check('the bulk plan says two approvals and one rejection',
    (await page.textContent('[data-testid=curation-plan]')).startsWith('2 to approve, 1 to reject: 3 signatures'), await page.textContent('[data-testid=curation-plan]'));
  await audit('datanet-curation-chosen', null);
  sentQueries.length = 0;
  const signedBefore = testWallet.signatures();
  await page.getByRole('button', { name: 'Sign and submit 3 decisions' }).click();
  await page.waitForSelector(`[data-testid=curation-results][data-done=true] li[data-id="${queued[2]}"]:not([data-outcome=pending])`, { timeout: 30_000 });
  const outcomes = await page.locator('[data-testid=curation-results] li').evaluateAll((lis) => Object.fromEntries(lis.map((l) => [l.dataset.id, l.dataset.outcome])));
  check('bulk curation: two approved and one rejected, followed to committed', outcomes[queued[0]] === 'approved' && outcomes[queued[1]] === 'approved'
    && outcomes[queued[2]] === 'rejected' && Object.keys(outcomes).length === 3, JSON.stringify(outcomes));
  const typedAsked = sentQueries.filter((q) => q.includes('typedData(curate:')).length;
  check('bulk curation: one typed data and one wallet signature each, sent in one sendTransactions call', typedAsked === 3
    && testWallet.signatures() - signedBefore === 3
    && sentQueries.filter((q) => q.includes('sendTransactions(')).length === 1 && !sentQueries.some((q) => q.includes('sendTransaction(')),
    `${typedAsked} typedData, ${testWallet.signatures() - signedBefore} signatures; ${sentQueries.filter((q) => q.includes('sendTransaction')).join('\n')}`);
  const decided = (await gql(`query($a: Hash!, $b: Hash!, $c: Hash!) { a: contribution(id: $a) { status curator reason }
    b: contribution(id: $b) { status curator reason } c: contribution(id: $c) { status curator reason } }`,
    { a: queued[0], b: queued[1], c: queued[2] }));
  out.curated = decided;
  const byWallet = (c) => c.curator?.toLowerCase() === wallet.address.toLowerCase();
  check('the node holds the decisions signed by the wallet', decided.a.status === 'APPROVED' && decided.b.status === 'APPROVED'
    && decided.c.status === 'REJECTED' && [decided.a, decided.b, decided.c].every(byWallet)
    && decided.a.reason === 'accurate' && decided.c.reason === 'off topic', JSON.stringify(decided));
  const refreshed = await page.waitForFunction((id) => {
    const rows = [...document.querySelectorAll('[data-testid=curation-queue] tbody tr')];
    return rows.length === 1 && rows[0].dataset.id === id;
  }, queued[3], { timeout: 10_000 }).then(() => true, () => false);
  check('the queue refreshes after the decisions', refreshed);
  await audit('datanet-curated', null);

  // A refused decision: the owner rejects the last one outside the page, which still shows it; approving it there
  // commits as a failed transaction, shown with its code.
  await committed(await sendAs(owner, 'curate', { contribution: queued[3], approve: false, reason: 'decided elsewhere' }));
  await decide(queued[3], 'approve');
  await page.getByRole('button', { name: 'Sign and submit 1 decision' }).click();
  await page.waitForSelector(`[data-testid=curation-results] li[data-id="${queued[3]}"][data-outcome=failed]`, { timeout: 30_000 })
    .catch(() => {});
  const staleCode = await page.getAttribute(`[data-testid=curation-results] li[data-id="${queued[3]}"] [data-error-code]`, 'data-error-code').catch(() => null);
  check('a refused curation shows its error code', staleCode === 'AlreadyCurated', staleCode);
  await audit('datanet-curation-refused', null);

  // Publishing version 1: what it will include (the two approvals), signed, followed, its root on the page.
  const previewed = await page.waitForSelector('[data-testid=publish-preview]:has-text("2 approved so far")', { timeout: 10_000 }).then(() => true, () => false);
  const listed = await page.locator('[data-testid=publish-new] tbody tr td[title]').evaluateAll((tds) => tds.map((t) => t.title));
  check('publish shows what the version will include', previewed && JSON.stringify(listed) === JSON.stringify([queued[0], queued[1]]),
    `${await page.textContent('[data-testid=publish]')}: ${listed}`);
  await audit('datanet-publish-preview', null);
  await page.getByRole('button', { name: 'Sign and publish version 1' }).click();
  await page.waitForSelector('[data-testid=published-root]', { timeout: 20_000 }).catch(() => {});
  const shownRoot = await page.textContent('[data-testid=published-root]').catch(() => null);
  const version = (await gql('query($d: Hash!) { datanet(id: $d) { version(number: 1) { number root count publishedBy } } }', { d: desk })).datanet.version;
  out.published = version;
  check('the published version shows its root', version !== null && shownRoot === version.root
    && version.publishedBy.toLowerCase() === wallet.address.toLowerCase() && version.count === 2, `${shownRoot} vs ${JSON.stringify(version)}`);
  const inList = await page.waitForSelector(`[data-testid=datanet-versions] [title="${version?.root}"]`, { timeout: 10_000 }).then(() => true, () => false);
  check('the versions list shows the new root', inList);
  await audit('datanet-published', null);

  // Not a curator (the wallet on Birds of Europe, whose curators are its owner and the publisher): the queue, no actions.
  await visit('datanet-non-curator', `#/datanet/${birds.id}`, '[data-testid=queue-summary]');
  const told = await page.waitForSelector('[data-testid=queue-summary]:has-text("the account in use is neither")', { timeout: 5000 }).then(() => true, () => false);
  check('a non-curator sees the queue but no actions', told && await page.locator('[data-testid=curation-queue] tbody tr').count() >= 1
    && await page.locator('[data-testid=curation-actions], [data-testid=curation-decision], [data-testid=publish]').count() === 0,
    await page.textContent('main'));

  // 9. Bad addresses and hashes in the URL.
  await visit('account-invalid', '#/account/0xnothex', '[data-error-code]');
  check('wrong address has its code', await page.getAttribute('[data-error-code]', 'data-error-code') === 'INVALID_ADDRESS');
  await visit('transaction-unknown', `#/tx/0x${'cd'.repeat(32)}`, '[data-ready=tx-missing]');
  check('unknown transaction says so', (await page.textContent('main')).includes('knows no transaction'));

  // 10. A refused transfer: more than the balance. The API's code and a sentence, nothing sent.
  await visit('send-refused', '#/send', '[data-ready=send]');
  // The tab's choice of wallet survived the reload (asked again with eth_accounts, no prompt).
  const restored = await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`, { timeout: 5000 }).then(() => true, () => false);
  check('wallet choice survives a reload', restored);
  await page.fill('#send-to', 'not an address');
  check('wrong recipient flagged', (await page.textContent('#send-to-error')).includes('Not an address'));
  check('send disabled for a wrong recipient', await page.getByRole('button', { name: 'Sign and send' }).isDisabled());
  await page.fill('#send-to', input.recipient);
  await page.fill('#send-amount', '999999999');
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.waitForSelector('[data-error-code]', { timeout: 15_000 });
  const refusedCode = await page.getAttribute('[data-error-code]', 'data-error-code');
  check('refused transfer shows its code', refusedCode === 'InsufficientBalance', refusedCode);
  await audit('send-refused-shown', null);

  // 11. A dev account picked in the page: the key derived in the browser, the typed data hashed and signed there.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.locator('.dev-picker summary').click();
  await audit('dev-picker', null);
  // The seed and the number of accounts are the node's (chain { devAccounts }), not the page's guess, and not editable.
  const dev = (await gql('{ chain { devAccounts { seed count } } }')).chain.devAccounts;
  check('dev picker takes seed and count from the node', (await page.textContent('[data-testid=dev-seed]')) === dev.seed
    && await page.getAttribute('.dev-picker input[type=number]', 'max') === String(dev.count - 1)
    && await page.locator('.dev-picker input[type=text]').count() === 0, JSON.stringify(dev));
  await page.fill('.dev-picker input[type=number]', String(input.devAccount.index));
  await page.getByRole('button', { name: 'Use dev account' }).click();
  const devAddress = await page.getAttribute('[data-testid=signer-address]', 'title');
  check('dev account derived in the browser', devAddress === input.devAccount.address, devAddress);
  await page.fill('#send-amount', '0.5');
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.waitForSelector('[data-testid=send-status]:has-text("committed")', { timeout: 20_000 });
  const devHash = await page.getAttribute('[data-testid=send-result] a[href^="#/tx/"]', 'title');
  const devTx = (await gql('query($h: Hash!) { transaction(hash: $h) { status from amount } }', { h: devHash })).transaction;
  out.devTransfer = { hash: devHash, ...devTx };

  // 11b. The wallet's own events (EIP-1193): switching its account changes the page's signer without connecting again;
  // a wallet on another chain is told which chain to switch to, and signing there is refused with its code.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  testWallet.use(0);
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`);
  const other = await testWallet.switchTo(1);
  const switched = await page.waitForSelector(`[data-testid=signer-address][title="${other.address}"]`, { timeout: 5000 }).then(() => true, () => false);
  check('the wallet switches account: the header shows the new signer without reconnecting', switched
    && await page.getByRole('button', { name: 'Connect wallet' }).count() === 0, await page.textContent('.wallet'));
  await testWallet.switchTo(0);
  await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`, { timeout: 5000 });
  const wrongChain = chainId === 1 ? 5 : 1;
  await testWallet.setChain(wrongChain);
  const notice = await page.waitForSelector('[data-testid=wallet-wrong-chain]', { timeout: 5000 }).then((e) => e.textContent(), () => null);
  check('a wallet on another chain: the panel names the chain to switch to', notice !== null
    && await page.getAttribute('[data-testid=wallet-wrong-chain]', 'data-node-chain') === String(chainId)
    && notice.includes(`chain ${chainId}`) && notice.includes(`chain ${wrongChain}`), notice);
  await audit('wallet-wrong-chain', null);
  const signaturesBefore = testWallet.signatures();
  await page.fill('#send-to', input.recipient);
  await page.fill('#send-amount', '0.25');
  await page.getByRole('button', { name: 'Sign and send' }).click();
  const wrongCode = await page.waitForSelector('[data-error-code]', { timeout: 10_000 }).then((e) => e.getAttribute('data-error-code'), () => null);
  // The wallet moved without telling the page (no chainChanged): the page asks it, the wallet refuses as MetaMask does,
  // and the page still says which chain, not the wallet's raw error.
  await testWallet.setChain(chainId);
  await visit('send-wallet-moved', '#/send', '[data-ready=send]');
  await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`);
  await testWallet.setChain(wrongChain, { silent: true });
  await page.fill('#send-to', input.recipient);
  await page.fill('#send-amount', '0.25');
  await page.getByRole('button', { name: 'Sign and send' }).click();
  const movedCode = await page.waitForSelector('[data-error-code]', { timeout: 10_000 }).then((e) => e.getAttribute('data-error-code'), () => null);
  const refusalText = await page.textContent('main');
  check('a wallet on another chain: signing is refused with WALLET_WRONG_CHAIN, nothing signed', wrongCode === 'WALLET_WRONG_CHAIN'
    && movedCode === 'WALLET_WRONG_CHAIN' && refusalText.includes(`chain ${chainId}`) && !refusalText.includes('must match the active chainId')
    && testWallet.signatures() === signaturesBefore, `${wrongCode} / ${movedCode}: ${refusalText}`);
  await audit('wallet-wrong-chain-refused', null);
  await testWallet.setChain(chainId);
  await testWallet.lock();
  const locked = await page.getByRole('button', { name: 'Connect wallet' }).waitFor({ timeout: 5000 }).then(() => true, () => false);
  check('a wallet sharing no account (accountsChanged with none) disconnects the page', locked);

  // 12. A lost connection says so and comes back by itself: the page's WebSockets go through a proxy (Playwright's
  // routeWebSocket) that the test cuts, as a restarted node or a dropped network would.
  const flaky = await context.newPage();
  watch(flaky, 'reconnect-tab');
  const sockets = [];
  await flaky.routeWebSocket(/\/graphql$/, (ws) => { ws.connectToServer(); sockets.push(ws); });
  await flaky.goto(`${base}/#/`);
  await flaky.waitForSelector('[data-testid=link-state]:has-text("Live")', { timeout: 10_000 });
  // 1001 (going away: a node restarting) is retried by graphql-ws itself; 1011 (an internal error) it deems fatal, and
  // the app starts a new client.
  // The header's states are recorded as they render: a retry can take well under a second.
  await flaky.evaluate(() => {
    window.__links = [];
    new MutationObserver(() => window.__links.push(document.querySelector('[data-testid=link-state]')?.textContent ?? ''))
      .observe(document.querySelector('header'), { subtree: true, childList: true, characterData: true });
  });
  let lost = true, back = true;
  for (const code of [1001, 1011]) {
    const before = await flaky.evaluate(() => window.__links.length);
    for (const ws of sockets.splice(0)) await ws.close({ code, reason: 'test: connection lost' });
    back &&= await flaky.waitForFunction((n) => window.__links.slice(n).some((t) => t.includes('reconnecting'))
      && window.__links.at(-1) === 'Live', before, { timeout: 20_000 }).then(() => true, () => false);
    lost &&= await flaky.evaluate((n) => window.__links.slice(n).some((t) => t.includes('reconnecting')), before);
    back &&= sockets.length > 0;
  }
  check('lost socket says reconnecting', lost);
  check('socket reconnects', back);
  await flaky.close();

  out.consoleErrors = consoleErrors;
} catch (e) {
  out.error = `${e?.stack ?? e}`;
  out.consoleErrors = consoleErrors;
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
