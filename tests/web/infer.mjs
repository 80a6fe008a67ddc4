// The inference playground, the inference page with its attribution evidence and the rewards feed, in a real browser
// against a real node: Debian's Chromium, headless, driven by playwright-core. First the script sets up a trained,
// registered model through the public API only (as any client: typedData -> ethers -> sendTransaction; training with
// the operator's token, which the page never holds): a text-label datanet whose examples two dev accounts contribute,
// approved, published, fine-tuned (a tiny job), registered. Then, in the browser, the injected EIP-1193 test wallet
// pays for an inference from the playground; the output and the attribution evidence appear live; a contributor's
// rewards page open in a second tab gets the credit live; bad input shows its code. Every page is checked for console
// errors and by axe-core, screenshotted and timed.
//
// stdin:  { url, examples: [{ text, label }], operatorToken, ownerKey, contributorKeys: [k1, k2], publisherKey,
//           walletKey, otherCallerKey, screenshots, chromium }
// stdout: { checks: { name: true|detail }, pages: [{ name, readyMs, violations }], consoleErrors, firstLoad, timeline,
//           setup, paid: { id, caller, status } }
import { Wallet } from 'ethers';
import { readStdinJson, results, gqlAt, gqlAtWithToken, sendAsWith, succeeded, launch, injectWallet, watchConsole, tabPages } from './kit.mjs';

const input = await readStdinJson();
const base = input.url.replace(/\/$/, '');
const { out, check } = results();
out.timeline = {};
out.setup = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gql = gqlAt(base);
const operatorGql = gqlAtWithToken(base, input.operatorToken);
// Outside the page: typedData -> ethers -> sendTransaction, as any client.
const sendAs = sendAsWith(gql);
const committed = (hash) => succeeded(gql, hash);
// The node's own account of an inference, in two reads (each stored text costs about 1,000 of a request's 20,000
// complexity points, each list its bound): the settlement and its credited contributions, then the spans.
const INFERENCE_ON_NODE = `query($id: Hash!) { inference(id: $id) { id status caller outputText record
  attribution { contributions(first: 100) { contributionId share payout contribution { contributor datanetId } }
    top: contributions(first: 8) { contributionId contribution { text } } }
  rewards { detail party amount } } }`;
async function inferenceOnNode(id) {
  const i = (await gql(INFERENCE_ON_NODE, { id })).inference;
  if (i?.attribution) i.attribution.spans = (await gql('query($id: Hash!) { inference(id: $id) { attribution { spans { text contributionIds } } } }', { id })).inference.attribution.spans;
  return i;
}
async function settled(id, ms = 150_000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) {
    const i = (await gql('query($id: Hash!) { inference(id: $id) { status } }', { id })).inference;
    if (i && (i.status === 'SETTLED' || i.status === 'EXPIRED')) return i;
  }
  throw new Error(`inference ${id} not settled in ${ms / 1000} s`);
}

const began = Date.now();
const watchdog = setTimeout(() => { process.stderr.write('infer.mjs timed out\n'); process.exit(2); }, 280_000);

// 1. The model, through the public API.
const owner = new Wallet(input.ownerKey);
const contributors = input.contributorKeys.map((k) => new Wallet(k));
const publisher = new Wallet(input.publisherKey);
const wallet = new Wallet(input.walletKey);
const otherCaller = new Wallet(input.otherCallerKey);
const datanet = await sendAs(owner, 'createDatanet', {
  name: 'WordNet animals and foods', description: 'Glosses labelled with their lexicographer file.', tags: ['wordnet'],
  license: 'WordNet-3.0', taskKind: 3, feePerKb: '0', stake: '0', forfeitTo: 1, curators: [] });
await committed(datanet);
const contributions = [];
for (const [n, e] of input.examples.entries()) {
  const up = (await gql('mutation($t: String!, $d: Hash!) { uploadContent(text: $t, datanet: $d) { hash normalizedHash size } }',
    { t: JSON.stringify({ text: e.text, label: e.label }), d: datanet })).uploadContent;
  contributions.push(await sendAs(contributors[n % contributors.length], 'contribute',
    { datanet, content: up.hash, normalizedContent: up.normalizedHash, size: String(up.size) }));
}
await Promise.all(contributions.map(committed));
const curations = [];
for (const c of contributions) curations.push(await sendAs(owner, 'curate', { contribution: c, approve: true, reason: 'ok' }));
await Promise.all(curations.map(committed));
await committed(await sendAs(owner, 'publishVersion', { datanet }));
out.setup.datanetMs = Date.now() - began;
const started = (await operatorGql('mutation($i: TrainingJobInput!) { startTrainingJob(input: $i) { id } }',
  { i: { datanet, steps: 16, batchSize: 4, learningRate: 0.005, seed: 3 } })).startTrainingJob;
let job;
for (const end = Date.now() + 150_000; Date.now() < end; await sleep(300)) {
  job = (await operatorGql('query($id: Hash!) { trainingJob(id: $id) { status adapter trainingRecord datanetVersion baseModel errorCode message } }',
    { id: started.id })).trainingJob;
  if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) break;
}
if (job.status !== 'SUCCEEDED') throw new Error(`training ${job.status}: ${job.errorCode} ${job.message}`);
out.setup.trainedMs = Date.now() - began;
const price = '1000000000000000000';
const modelId = await sendAs(publisher, 'registerModel', {
  name: 'wordnet-animals-foods', baseModel: job.baseModel, adapter: job.adapter, datanetVersions: [job.datanetVersion],
  trainingRecord: job.trainingRecord, price, ownerBps: 2000, contributorsBps: 7000, protocolBps: 1000 });
await committed(modelId);
out.setup.registeredMs = Date.now() - began;

const browser = await launch(input.chromium);
const consoleErrors = [];
try {
  // A browser context whose pages hold the EIP-1193 test wallet (kit.mjs) of `signer` (signing with ethers in Node).
  async function walletContext(signer) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(context, [signer.privateKey]);
    return context;
  }
  const watch = (page, label) => {
    // A refused request's body says why (the console only says its status).
    page.on('response', async (r) => {
      if (r.status() >= 400) consoleErrors.push(`${label}: ${r.status()} ${r.url()}: ${(await r.text().catch(() => '')).slice(0, 400)}`);
    });
    watchConsole(page, label, consoleErrors);
  };
  // Opens a page by its address (a full load), waits until it is interactive, checks and screenshots it.
  const { visit, audit } = tabPages(base, out, input.screenshots);
  const attr = (page, selector, name) => page.getAttribute(selector, name);

  const context = await walletContext(wallet);
  const page = await context.newPage();
  watch(page, 'main');

  // 2. The first contributor's rewards page, open in a second tab before anything is paid: the credit must arrive live.
  const contributor = contributors[0].address;
  const rewardsTab = await context.newPage();
  watch(rewardsTab, 'rewards-tab');
  // Its WebSocket goes through a proxy the test cuts before the settlement, as a restarting node would: the feed must
  // resume from where it was and still get the credits.
  const rewardsSockets = [];
  await rewardsTab.routeWebSocket(/\/graphql$/, (ws) => { ws.connectToServer(); rewardsSockets.push(ws); });
  const before = (await gql('query($a: Address!) { rewards(address: $a) { total count } }', { a: contributor })).rewards;
  await visit(rewardsTab, 'rewards-before', `#/rewards/${contributor}`, '[data-ready=rewards]');
  await rewardsTab.waitForSelector('[data-testid=link-state]:has-text("Live")', { timeout: 10_000 });
  check('rewards page starts from the node\'s totals', await attr(rewardsTab, '[data-testid=rewards-total]', 'data-wei') === before.total
    && await rewardsTab.textContent('[data-testid=rewards-count]') === String(before.count), JSON.stringify(before));
  await rewardsTab.evaluate(() => { window.__sameDocument = true; });
  for (const ws of rewardsSockets.splice(0)) await ws.close({ code: 1001, reason: 'test: connection lost' });
  const relinked = await rewardsTab.waitForSelector('[data-testid=link-state]:has-text("reconnecting")', { timeout: 5_000 }).then(() => true, () => false)
    && await rewardsTab.waitForSelector('[data-testid=link-state]:has-text("Live")', { timeout: 20_000 }).then(() => true, () => false);
  check('rewards tab lost its socket and reconnected', relinked && rewardsSockets.length > 0);
  const chartBefore = await rewardsTab.textContent('.chart .now');
  const canvasBefore = await rewardsTab.evaluate(() => document.querySelector('.chart canvas').toDataURL());

  // 3. The playground: the registered model, its price and the gas before signing; empty input refused.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('[data-ready=overview]');
  out.firstLoad = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.js'))
    .reduce((a, e) => ({ jsTransferBytes: a.jsTransferBytes + e.encodedBodySize, jsBytes: a.jsBytes + e.decodedBodySize }), { jsTransferBytes: 0, jsBytes: 0 }));
  await visit(page, 'playground', '#/playground', '[data-ready=playground]');
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`);
  const options = await page.locator('#playground-model option').evaluateAll((os) => os.map((o) => o.value));
  check('playground lists the registered model', options.includes(modelId), JSON.stringify(options));
  await page.selectOption('#playground-model', modelId);
  const chainInfo = (await gql('{ chain { gasPriceFloor gasSchedule { kind gas } } }')).chain;
  const gasFee = BigInt(chainInfo.gasSchedule.find((g) => g.kind === 'RequestInference').gas) * BigInt(chainInfo.gasPriceFloor);
  const nodePrice = (await gql('query($id: Hash!) { model(id: $id) { price } }', { id: modelId })).model.price;
  check('price shown equals the model\'s', await attr(page, '[data-testid=playground-price]', 'data-wei') === nodePrice
    && (await page.textContent('[data-testid=playground-price]')).includes('1 OPEN'), await page.textContent('[data-testid=playground-price]'));
  check('max fee shown equals the node\'s gas', await attr(page, '[data-testid=playground-gas]', 'data-wei') === gasFee.toString(),
    `${await attr(page, '[data-testid=playground-gas]', 'data-wei')} vs ${gasFee}`);
  await page.fill('#playground-input', 'x');
  await page.fill('#playground-input', '   ');
  check('empty input refused', await page.getByRole('button', { name: 'Sign and pay' }).isDisabled()
    && (await page.textContent('#playground-input-error')).includes('empty input'), await page.textContent('#playground-input-error'));
  await audit(page, 'playground-empty-input', null);

  // 4. Pay; the output appears live, then the evidence.
  const question = input.examples[0].text;
  await page.fill('#playground-input', question);
  const paidAt = Date.now();
  await page.getByRole('button', { name: 'Sign and pay' }).click();
  await page.waitForSelector('[data-testid=playground-result]', { timeout: 15_000 });
  const id = await attr(page, '[data-testid=playground-result]', 'data-id');
  out.timeline.submitted = Date.now() - paidAt;
  check('inference paid from the playground', /^0x[0-9a-f]{64}$/i.test(id ?? ''), id);
  await page.waitForSelector('[data-testid=inference-output]', { timeout: 60_000 });
  out.timeline.outputShown = Date.now() - paidAt;
  check('output appears live', true);
  await audit(page, 'playground-served', null);
  await page.waitForSelector('[data-testid=evidence][data-state=settled]', { timeout: 150_000 });
  out.timeline.evidenceShown = Date.now() - paidAt;
  check('evidence appears when settled', true);
  const node = await inferenceOnNode(id);
  out.paid = { id, caller: node.caller, status: node.status, contributions: node.attribution?.contributions.length ?? null, spans: node.attribution?.spans.length ?? null };
  check('output is the node\'s', (await page.textContent('[data-testid=inference-output]')) === node.outputText, node.outputText);
  // The evidence, against the node's own record and settlement.
  const rows = await page.locator('[data-testid=evidence-contributions] tbody tr').evaluateAll((trs) => trs.map((t) => ({
    id: t.dataset.id, share: Number(t.dataset.share), payout: t.dataset.payout,
    text: t.querySelector('[data-testid=evidence-text]')?.textContent ?? '',
    account: t.querySelector('a[href^="#/account/"]')?.getAttribute('href') ?? null,
    datanet: t.querySelector('a[href^="#/datanet/"]')?.getAttribute('href') ?? null })));
  const credited = node.attribution.contributions;
  // Each text-label example is stored as JSON; the page shows it as "text → label".
  const texts = new Map(node.attribution.top.map((c) => [c.contributionId, JSON.parse(c.contribution.text)]));
  check('contributions shown with their text', rows.length > 0 && rows.length === Math.min(8, credited.length)
    && rows.every((r) => r.text.startsWith(texts.get(r.id).text.replace(/\s+/g, ' ').slice(0, 60))), JSON.stringify(rows));
  const sum = Number(await attr(page, '[data-testid=evidence-share-sum]', 'data-sum'));
  check('shares sum to 1', Math.abs(sum - 1) < 1e-6 && Math.abs(credited.reduce((s, c) => s + c.share, 0) - 1) < 1e-6, `${sum}`);
  check('payouts equal the node\'s', rows.every((r, n) => r.id === credited[n].contributionId && r.payout === credited[n].payout
    && r.share === credited[n].share), JSON.stringify({ rows, credited: credited.slice(0, 8) }));
  check('contributors link their accounts and contributions their datanets', rows.every((r, n) =>
    r.account === `#/account/${credited[n].contribution.contributor}` && r.datanet === `#/datanet/${datanet}`), JSON.stringify(rows));
  const credits = await page.locator('[data-testid=evidence-credits] tbody tr').evaluateAll((trs) => trs.map((t) => ({ role: t.dataset.role, amount: t.dataset.amount })));
  check('settlement credits equal the node\'s', JSON.stringify(credits) === JSON.stringify(node.rewards.map((c) => ({ role: c.detail, amount: c.amount })))
    && node.rewards.reduce((s, c) => s + BigInt(c.amount), 0n) === BigInt(price), JSON.stringify({ credits, node: node.rewards }));
  const marks = await page.locator('[data-testid=evidence-output] mark').allTextContents();
  // A span's text without the tokenizer's markers (<|endoftext|> ends each training example) is what the output shows.
  const nodeSpans = node.attribution.spans.map((s) => (s.text ?? '').replace(/<\|[^|>]*\|>/g, '').trim())
    .filter((t) => t && node.outputText.includes(t));
  check('spans highlighted as the node lists them', nodeSpans.length === 0 ? marks.length === 0
    : marks.length > 0 && nodeSpans.every((t) => marks.some((m) => m.includes(t))), JSON.stringify({ marks, spans: node.attribution.spans }));
  out.highlighted = marks.length;
  out.spans = node.attribution.spans.length;
  await audit(page, 'playground-settled', null);

  // 5. The contributor's tab got the credit, live, in the same document; its chart grew.
  const credit = node.rewards.find((c) => c.party?.toLowerCase() === contributor.toLowerCase());
  if (credit) {
    const row = await rewardsTab.waitForSelector(`[data-testid=rewards-feed] tr[data-live=true][data-inference="${id}"]`, { timeout: 15_000 }).then(() => true, () => false);
    out.timeline.rewardsTabShown = Date.now() - paidAt;
    const after = (await gql('query($a: Address!) { rewards(address: $a) { total count byRole { scope amount } } }', { a: contributor })).rewards;
    // One settlement credits each of the contributor's contributions: every credit arrives, one event each.
    await rewardsTab.waitForSelector(`[data-testid=rewards-total][data-wei="${after.total}"]`, { timeout: 10_000 }).catch(() => {});
    const totalShown = await attr(rewardsTab, '[data-testid=rewards-total]', 'data-wei');
    check('rewards feed gets the credit live without reload', row && await rewardsTab.evaluate(() => window.__sameDocument === true)
      && totalShown === after.total && BigInt(after.total) > BigInt(before.total), `${row}: ${totalShown} vs ${after.total}`);
    const chartAfter = await rewardsTab.textContent('.chart .now');
    await rewardsTab.bringToFront();
    await sleep(200);
    // The caption says the latest value; the canvas must have been drawn again too.
    const redrawn = await rewardsTab.evaluate((before) => document.querySelector('.chart canvas').toDataURL() !== before, canvasBefore);
    check('rewards chart grows', Number(chartAfter) > Number(chartBefore) && redrawn, `${chartBefore} -> ${chartAfter}, redrawn: ${redrawn}`);
    const contributorRole = await attr(rewardsTab, '[data-testid=rewards-by-role] tr[data-role=contributor]', 'data-wei');
    check('rewards totals by role include the credit', contributorRole === after.byRole.find((r) => r.scope === 'contributor')?.amount, `${contributorRole} vs ${JSON.stringify(after.byRole)}`);
    await audit(rewardsTab, 'rewards-live-credit', null);
  } else {
    check('rewards feed gets the credit live without reload', false, `the settlement did not credit ${contributor}: ${JSON.stringify(node.rewards)}`);
  }
  await rewardsTab.close();

  // 6. The inference page: provenance and evidence; and a second inference (paid outside the page) settling live.
  await visit(page, 'inference', `#/inference/${id}`, '[data-ready=inference]');
  const provenance = await page.textContent('[data-testid=provenance]');
  check('inference page shows provenance', provenance.includes(job.adapter) && provenance.includes(job.trainingRecord)
    && provenance.includes(job.datanetVersion) && provenance.includes(job.baseModel), provenance);
  check('inference page shows the evidence', await page.locator('[data-testid=evidence][data-state=settled] [data-testid=evidence-contributions] tbody tr').count() === rows.length);
  const inputHash = (await gql('mutation($t: String!) { uploadContent(text: $t) { hash } }', { t: input.examples[1].text })).uploadContent.hash;
  // Opened as soon as the node accepts the request (before its block): the page follows it from there.
  const second = await sendAs(otherCaller, 'requestInference', { model: modelId, input: inputHash, maxFee: price });
  // Its status is read as soon as the page is ready, before the audit: under load the settlement can land meanwhile.
  const earlyStatus = await visit(page, 'inference-requested', `#/inference/${second}`, '[data-ready=inference], [data-ready=inference-missing]',
    (p) => p.evaluate(() => document.querySelector('[data-ready=inference]')?.dataset.status ?? 'not committed yet'));
  out.timeline.secondPageStatus = earlyStatus;
  await page.evaluate(() => { window.__sameDocument = true; });
  const live = await page.waitForSelector('[data-testid=evidence][data-state=settled]', { timeout: 150_000 }).then(() => true, () => false);
  check('inference page settles live without reload', live && earlyStatus !== 'SETTLED' && await page.evaluate(() => window.__sameDocument === true)
    && (await settled(second)).status === 'SETTLED', `${earlyStatus} ${live}`);
  await audit(page, 'inference-settled-live', null);
  await page.fill('#search-input', second);
  await page.press('#search-input', 'Enter');
  await page.waitForURL(`**/#/inference/${second}`, { timeout: 10_000 }).catch(() => {});
  check('search opens the inference page', page.url().endsWith(`#/inference/${second}`), page.url());

  // 7. Links to the rewards feed: the wallet panel's "My rewards" and the account page's.
  check('wallet panel links my rewards', await attr(page, '[data-testid=my-rewards]', 'href') === `#/rewards/${wallet.address}`);
  await visit(page, 'account-rewards-link', `#/account/${contributor}`, '[data-ready=account]');
  check('account page links the rewards feed', await page.locator(`a[href="#/rewards/${contributor}"]`).count() === 1);
  // Its cumulative chart ends at the account's total, and uPlot scaled its y axis over that last value: the settlements
  // credited several of the contributor's contributions in one block each, points at one time that uPlot would leave
  // out of its scale (the axis then happens to reach past it only when its rounding is generous).
  const held = (await gql('query($a: Address!) { rewards(address: $a) { total count } account(address: $a) { rewardHistory(first: 100) { nodes { height } } } }',
    { a: contributor }));
  const chartHost = '[aria-label^="Cumulative rewards chart"]';
  const chartLast = Number(await attr(page, chartHost, 'data-last'));
  const chartTop = Number(await attr(page, chartHost, 'data-y-max'));
  const chartScaled = Number(await attr(page, chartHost, 'data-scaled-max'));
  const heights = held.account.rewardHistory.nodes.map((n) => n.height);
  out.accountChart = { last: chartLast, scaledMax: chartScaled, yMax: chartTop, total: held.rewards.total, credits: heights.length, blocks: new Set(heights).size };
  check('account chart ends at the account\'s total, within its drawn scale', heights.length > new Set(heights).size
    && Math.abs(chartLast - Number(BigInt(held.rewards.total) / 10n ** 12n) / 1e6) < 1e-9 && chartScaled === chartLast && chartTop >= chartLast, JSON.stringify(out.accountChart));
  await visit(page, 'rewards', `#/rewards/${contributor}`, '[data-ready=rewards]');
  const feedRow = await page.locator('[data-testid=rewards-feed] tbody tr').first().textContent();
  check('rewards feed names the datanet and the model', feedRow.includes('WordNet animals and foods') && feedRow.includes('wordnet-animals-foods')
    && await page.locator(`[data-testid=rewards-feed] a[href="#/datanet/${datanet}"]`).count() > 0
    && await page.locator(`[data-testid=rewards-feed] a[href="#/model/${modelId}"]`).count() > 0, feedRow);
  // Paging back: a few credits a page (the address asks for them), "Older credits" until the first; every credit once,
  // newest first, as the node lists them.
  const history = (await gql('query($a: Address!) { account(address: $a) { rewardHistory(first: 100) { nodes { height sequence } } } }',
    { a: contributor })).account.rewardHistory.nodes.map((n) => `${n.height}:${n.sequence}`);
  const per = Math.max(1, Math.ceil(history.length / 3));
  await visit(page, 'rewards-paged', `#/rewards/${contributor}?per=${per}`, '[data-ready=rewards]');
  const feedKeys = () => page.locator('[data-testid=rewards-feed] tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.key));
  const firstPage = (await feedKeys()).length;
  let pagesRead = 1;
  while (await page.locator('[data-testid=older-credits]').count() > 0 && pagesRead <= history.length) {
    const shown = (await feedKeys()).length;
    await page.click('[data-testid=older-credits]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=rewards-feed] tbody tr').length > n, shown, { timeout: 10_000 });
    pagesRead++;
  }
  const paged = await feedKeys();
  out.rewardsPaging = { per, firstPage, pagesRead, shown: paged.length, onNode: history.length };
  check('rewards feed pages back through older credits, each once', history.length > per && firstPage === per && pagesRead > 1
    && new Set(paged).size === paged.length && JSON.stringify(paged) === JSON.stringify(history), JSON.stringify({ ...out.rewardsPaging, paged, history }));
  await audit(page, 'rewards-older-credits', null);

  // 8. Bad input.
  await visit(page, 'inference-unknown', `#/inference/0x${'cd'.repeat(32)}`, '[data-ready=inference-missing]');
  check('unknown inference says so', (await page.textContent('main')).includes('knows no inference'));
  await visit(page, 'inference-invalid', '#/inference/0x1234', '[data-ready=inference-invalid]');
  check('invalid inference id has its code', await attr(page, '[data-error-code]', 'data-error-code') === 'INVALID_INPUT');
  await visit(page, 'rewards-invalid', '#/rewards/0xnothex', '[data-error-code]');
  check('invalid rewards address has its code', await attr(page, '[data-error-code]', 'data-error-code') === 'INVALID_ADDRESS');
  await visit(page, 'playground-unknown-model', `#/playground?model=0x${'ab'.repeat(32)}`, '[data-testid=playground-unknown-model]');
  check('unknown model in the address says so', (await page.textContent('[data-testid=playground-unknown-model]')).includes('knows no model'));
  // A wallet with no OPEN: the node refuses the request at admission, and the page shows the code.
  const poor = Wallet.createRandom();
  const poorContext = await walletContext(poor);
  const poorPage = await poorContext.newPage();
  watch(poorPage, 'poor-wallet');
  await visit(poorPage, 'playground-preselected', `#/playground?model=${modelId}`, '[data-ready=playground]');
  await poorPage.getByRole('button', { name: 'Connect wallet' }).click();
  await poorPage.waitForSelector(`[data-testid=signer-address][title="${poor.address}"]`);
  await poorPage.fill('#playground-input', question);
  await poorPage.getByRole('button', { name: 'Sign and pay' }).click();
  await poorPage.waitForSelector('[data-error-code]', { timeout: 15_000 });
  const poorCode = await attr(poorPage, '[data-error-code]', 'data-error-code');
  check('a wallet with no OPEN is refused with its code', poorCode === 'InsufficientBalance'
    && await poorPage.locator('[data-testid=playground-result]').count() === 0, poorCode);
  await audit(poorPage, 'playground-refused', null);
  await poorContext.close();
} catch (e) {
  out.error = `${e?.stack ?? e}`;
} finally {
  out.consoleErrors = consoleErrors;
  clearTimeout(watchdog);
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
