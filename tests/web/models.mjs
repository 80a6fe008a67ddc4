// Models and Model Factory in a real browser against a real node: Debian's Chromium, headless, driven by playwright-core,
// with a test wallet (EIP-1193, signing with ethers in Node through an exposed function) injected into every page.
// Setup outside the page, as any client (typedData -> ethers -> sendTransaction): a text-label datanet of 20 short
// examples, approved and published as version 1. Then through the page: the datanet's "Train a model", a budget over
// the node's cap refused before signing, a job started by the wallet's signature and watched (the loss chart gains
// points while it trains), a second job (its recipe from the "Advanced recipe" group, a bad value blocked before
// signing) cancelled by its owner from its page, the first registered as a model and its
// page (versions, datanet version, price), the models list, the signer's jobs, and bad input. Every page is checked
// for console errors and by axe-core, screenshotted, and timed.
//
// stdin:  { "url": "http://127.0.0.1:PORT/", "walletKey": "0x..", "ownerKey": "0x..", "contributorKey": "0x..",
//           "screenshots": "/abs/dir", "chromium": "/usr/bin/chromium" }
// stdout: { checks: { name: true|string }, pages: [{ name, readyMs, violations }], consoleErrors: [...],
//           datanet, trained: {...}, cancelled: {...}, recipe: {...}, model: {...}, lossPoints: [n1, n2], reopened: { points, label } }
// (GraphQL, the wallet, console watching and the per-page audit are kit.mjs's.)
import { Wallet } from 'ethers';
import { readStdinJson, results, gqlAt, committed as committedIn, launch, injectWallet, watchConsole, pages, sendAs as sendWith } from './kit.mjs';

const input = await readStdinJson();
const base = input.url.replace(/\/$/, '');
const wallet = new Wallet(input.walletKey);
const owner = new Wallet(input.ownerKey);
const contributor = new Wallet(input.contributorKey);
const { out, check } = results();
const gql = gqlAt(base);
const sendAs = (signerWallet, argument, intent) => sendWith(gql, signerWallet, argument, intent);
/** Committed and succeeded (the setup cannot go on from a failed transaction). */
async function committed(hash) {
  const tx = await committedIn(gql, hash);
  if (!tx.receipt.succeeded) throw new Error(`${tx.kind} ${hash} failed: ${tx.receipt.errorCode}`);
  return tx;
}
const JOB = 'id status owner step totalSteps loss evalLoss adapter trainingRecord datanetVersion baseModel';
const job = async (id) => (await gql(`query($id: Hash!) { trainingJob(id: $id) { ${JOB} } }`, { id })).trainingJob;

// Setup: a small text-label datanet, every example approved, version 1 published.
const datanet = await sendAs(owner, 'createDatanet', {
  name: 'Kitchen or garden', description: 'Short glosses labelled by where the thing belongs.', tags: ['test'], license: 'CC0-1.0',
  taskKind: 3, feePerKb: '0', stake: '0', forfeitTo: 1, curators: [],
});
await committed(datanet);
const things = [['a whisk for beating eggs', 'kitchen'], ['a rake for gathering leaves', 'garden'], ['a ladle for serving soup', 'kitchen'],
  ['a hoe for breaking soil', 'garden'], ['a colander for draining pasta', 'kitchen'], ['a trowel for planting bulbs', 'garden'],
  ['a kettle for boiling water', 'kitchen'], ['a hose for watering beds', 'garden'], ['a grater for hard cheese', 'kitchen'],
  ['a wheelbarrow for moving compost', 'garden'], ['a rolling pin for pastry', 'kitchen'], ['shears for trimming hedges', 'garden'],
  ['a peeler for potatoes', 'kitchen'], ['a spade for digging holes', 'garden'], ['a skillet for frying onions', 'kitchen'],
  ['a watering can for seedlings', 'garden'], ['a sieve for sifting flour', 'kitchen'], ['a pruner for roses', 'garden'],
  ['a cutting board for vegetables', 'kitchen'], ['a lawn mower for grass', 'garden']];
const contributions = [];
for (const [text, label] of things) {
  const u = (await gql('mutation($t: String!, $d: Hash) { uploadContent(text: $t, datanet: $d) { hash normalizedHash size } }',
    { t: JSON.stringify({ text, label }), d: datanet })).uploadContent;
  contributions.push(await sendAs(contributor, 'contribute', { datanet, content: u.hash, normalizedContent: u.normalizedHash, size: String(u.size) }));
}
await Promise.all(contributions.map(committed));
const curations = [];
for (const c of contributions) curations.push(await sendAs(owner, 'curate', { contribution: c, approve: true, reason: 'ok' }));
await Promise.all(curations.map(committed));
await committed(await sendAs(owner, 'publishVersion', { datanet }));
out.datanet = datanet;

const browser = await launch(input.chromium);
const watchdog = setTimeout(() => { process.stderr.write('models.mjs timed out\n'); process.exit(2); }, 280_000);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const testWallet = await injectWallet(context, [input.walletKey]);

  const page = await context.newPage();
  watchConsole(page, 'main', out.consoleErrors);
  const { visit, audit } = pages(page, base, out, input.screenshots);
  const text = async (selector) => (await page.textContent(selector)) ?? '';

  // 1. No model yet: the list says so.
  await visit('models-empty', '#/models', '[data-ready=models]');
  check('models list says when there is none', (await text('main')).includes('No model is registered'));

  // 2. The datanet offers training on its published version; the form opens with it chosen and the node's defaults.
  await visit('datanet-train-link', `#/datanet/${datanet}`, '[data-ready=datanet]');
  await page.click('[data-testid=train-link]');
  await page.waitForSelector('[data-ready=train]');
  check('datanet links the Model Factory with itself chosen', page.url().endsWith(`#/train?datanet=${datanet}`), page.url());
  await visit('train', `#/train?datanet=${datanet}`, '[data-ready=train] #train-version');
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.waitForSelector(`[data-testid=signer-address][title="${wallet.address}"]`);
  const defaults = await page.evaluate(() => ['#train-rank', '#train-alpha', '#train-lr', '#train-epochs', '#train-batch', '#train-seed']
    .map((s) => document.querySelector(s).value));
  check('the form starts from the node\'s defaults', JSON.stringify(defaults) === JSON.stringify(['8', '16', '0.003', '1', '16', '1']), JSON.stringify(defaults));
  await page.waitForSelector('[data-testid=train-cost]:has-text("64,000")');
  check('the cost rule is shown before signing', (await text('[data-testid=train-cost]')).includes('1 OPEN'), await text('[data-testid=train-cost]'));

  // 3. Over the budget: refused on the page, nothing signed.
  const before = testWallet.signatures();
  await page.fill('#train-steps', '5000');
  await page.fill('#train-batch', '16');
  await page.waitForSelector('[data-testid=train-cost] [data-error-code=TrainingBudgetExceeded]');
  check('a budget over the cap is refused before signing', await page.getByRole('button', { name: 'Sign and start training' }).isDisabled()
    && (await text('[data-testid=train-passes]')).includes('80,000') && testWallet.signatures() === before, await text('[data-testid=train-cost]'));
  await audit('train-over-budget', null);

  // 4. A job the wallet signs: the page opens the job and its loss chart gains points while it trains.
  await page.fill('#train-steps', '150');
  await page.fill('#train-batch', '4');
  await page.fill('#train-lr', '0.005');
  await page.waitForSelector('[data-testid=train-passes]:has-text("600")');
  await page.getByRole('button', { name: 'Sign and start training' }).click();
  await page.waitForSelector('[data-ready=training]', { timeout: 20_000 });
  const trainedId = page.url().split('#/training/')[1];
  const points = async () => Number(await text('[data-testid=loss-points]'));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-points]')?.textContent) >= 1, null, { timeout: 60_000 });
  const first = { points: await points(), status: await text('[data-testid=job-status]'), step: await text('[data-testid=job-step]') };
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=loss-points]')?.textContent) > n, first.points, { timeout: 60_000 });
  const second = { points: await points(), status: await text('[data-testid=job-status]'), step: await text('[data-testid=job-step]') };
  out.lossPoints = [first, second];
  check('the loss chart gains points while the job trains', second.points > first.points && first.status === 'running', JSON.stringify(out.lossPoints));
  await audit('training-running', null);
  await page.waitForSelector('[data-testid=job-status]:has-text("succeeded")', { timeout: 120_000 });
  const trained = await job(trainedId);
  out.trained = trained;
  check('the job is the wallet\'s and succeeded', trained.status === 'SUCCEEDED' && trained.owner.toLowerCase() === wallet.address.toLowerCase(), JSON.stringify(trained));
  check('the page shows the final step, the adapter and the datanet by name', (await text('[data-testid=job-step]')).startsWith(`${trained.step} / ${trained.totalSteps}`)
    && (await text('[data-testid=job-adapter]')) === trained.adapter
    && (await text(`[data-testid=job-fields] a[href="#/datanet/${datanet}"]`)) === 'Kitchen or garden', await text('[data-testid=job-fields]'));
  check('the chart ends at the last step', Number(await page.getAttribute('[data-testid=loss-chart]', 'aria-label').then((l) => /latest step (\d+)/.exec(l)?.[1])) === trained.step,
    await page.getAttribute('[data-testid=loss-chart]', 'aria-label'));
  const filled = await page.waitForFunction((n) => Number(document.querySelector('[data-testid=loss-points]')?.textContent) >= n, trained.step, { timeout: 10_000 })
    .then(() => true, () => false);
  check('the live page\'s curve has every step once the job ends', filled, await text('[data-testid=loss-points]'));
  await audit('training-succeeded', null);

  // 5. A second job, cancelled by its owner from its page (a CancelTrainingJob signature, no operator).
  await visit('train-second', `#/train?datanet=${datanet}`, '[data-ready=train] #train-version');
  await page.fill('#train-steps', '3000');
  await page.fill('#train-batch', '4');
  await page.fill('#train-seed', '7');
  // Its recipe from the advanced group: a bad value blocks signing on the page; the options reach the job.
  await page.click('[data-testid=train-advanced] summary');
  const beforeRecipe = testWallet.signatures();
  await page.fill('#train-smoothing', '0.7');
  await page.waitForSelector('[data-testid=train-recipe-problem]');
  check('a bad recipe option blocks signing', await page.getByRole('button', { name: 'Sign and start training' }).isDisabled()
    && testWallet.signatures() === beforeRecipe, await text('[data-testid=train-recipe-problem]'));
  await page.fill('#train-smoothing', '0.1');
  await page.selectOption('#train-schedule', 'constant');
  await page.fill('#train-early', '3');
  await page.selectOption('#train-scoring', 'mean');
  await audit('train-advanced', null);
  await page.getByRole('button', { name: 'Sign and start training' }).click();
  await page.waitForSelector('[data-ready=training]', { timeout: 20_000 });
  const cancelledId = page.url().split('#/training/')[1];
  const recipe = (await gql('query($id: Hash!) { trainingJob(id: $id) { schedule labelSmoothing earlyStopping labelScoring } }', { id: cancelledId })).trainingJob;
  out.recipe = recipe;
  check('the advanced recipe reaches the job', JSON.stringify(recipe) === JSON.stringify({ schedule: 'constant', labelSmoothing: 0.1, earlyStopping: 3, labelScoring: 'mean' })
    && (await text('[data-testid=job-recipe]')).includes('early stopping after 3'), JSON.stringify(recipe));

  // 5a. The same job opened in another tab while it trains (timed from scratch), through a WebSocket the test cuts
  // (routeWebSocket), as a dropped network would: the header says so, the link comes back, and the chart goes on.
  const flaky = await context.newPage();
  watchConsole(flaky, 'reconnect-tab', out.consoleErrors);
  const sockets = [];
  await flaky.routeWebSocket(/\/graphql$/, (ws) => { ws.connectToServer(); sockets.push(ws); });
  await flaky.goto(`${base}/#/training/${cancelledId}`);
  await flaky.waitForSelector('[data-ready=training]', { timeout: 15_000 });
  const liveReadyMs = await flaky.evaluate(() => performance.now());
  const flakyPoints = () => flaky.evaluate(() => Number(document.querySelector('[data-testid=loss-points]')?.textContent));
  await flaky.waitForFunction(() => Number(document.querySelector('[data-testid=loss-points]')?.textContent) >= 1, null, { timeout: 60_000 });
  await flaky.evaluate(() => {
    window.__links = [];
    new MutationObserver(() => window.__links.push(document.querySelector('[data-testid=link-state]')?.textContent ?? ''))
      .observe(document.querySelector('header'), { subtree: true, childList: true, characterData: true });
  });
  const beforeCut = await flakyPoints();
  for (const ws of sockets.splice(0)) await ws.close({ code: 1001, reason: 'test: connection lost' });
  // Back when a new socket was opened and the header says Live again. Whether the header's "reconnecting" was rendered
  // in between is recorded, not required: on a starved machine the retry can land before the next frame (the
  // explorer's run checks that state itself).
  for (const end = Date.now() + 20_000; sockets.length === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
  const relinked = sockets.length > 0 && await flaky.waitForFunction(() => document.querySelector('[data-testid=link-state]')?.textContent === 'Live',
    null, { timeout: 20_000 }).then(() => true, () => false);
  const afterCut = await flaky.waitForFunction((n) => Number(document.querySelector('[data-testid=loss-points]')?.textContent) > n + 1, beforeCut, { timeout: 30_000 })
    .then(() => flakyPoints(), () => flakyPoints());
  out.reconnect = { beforeCut, afterCut, links: await flaky.evaluate(() => window.__links), sockets: sockets.length,
    sawReconnecting: await flaky.evaluate(() => window.__links.some((t) => t.includes('reconnecting'))) };
  await pages(flaky, base, out, input.screenshots).audit('training-live', liveReadyMs);
  check('a job page opened mid-training goes on drawing after its socket is cut', relinked && sockets.length > 0 && afterCut > beforeCut + 1,
    JSON.stringify(out.reconnect));
  await flaky.close();

  const signaturesBeforeCancel = testWallet.signatures();
  await page.getByRole('button', { name: 'Cancel this job' }).click();
  await page.waitForSelector('[data-testid=job-status]:has-text("cancelled")', { timeout: 60_000 });
  out.cancelled = await job(cancelledId);
  check('the owner cancels a job from its page', out.cancelled.status === 'CANCELLED' && testWallet.signatures() === signaturesBeforeCancel + 1
    && (await text('[data-testid=job-cancelled]')).includes('Cancelled'), JSON.stringify(out.cancelled));
  await audit('training-cancelled', null);

  // 6. The signer's jobs on the Model Factory page.
  await visit('train-jobs', '#/train', '[data-ready=train] [data-testid=my-jobs]');
  const listed = await page.locator('[data-testid=my-jobs] a[href^="#/training/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('the Model Factory lists the signer\'s jobs', listed.includes(`#/training/${trainedId}`) && listed.includes(`#/training/${cancelledId}`), JSON.stringify(listed));

  // 6b. The finished job's page opened afresh (no live update left to come): its whole curve, from the node's history.
  await visit('training-finished-reopened', `#/training/${trainedId}`, '[data-ready=training] [data-testid=job-adapter]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-points]')?.textContent) > 0, null, { timeout: 5_000 }).catch(() => {});
  const reopened = { points: await points(), label: await page.getAttribute('[data-testid=loss-chart]', 'aria-label') };
  out.reopened = reopened;
  check('a finished job\'s page opened afresh draws its whole curve', reopened.points >= trained.step
    && Number(/latest step (\d+)/.exec(reopened.label)?.[1]) === trained.step, JSON.stringify(reopened));

  // 7. Register the succeeded job as a model, followed to its commit, then its page.
  await visit('training-register', `#/training/${trainedId}`, '[data-ready=training] [data-testid=register]');
  await page.fill('#register-name', 'kitchen-or-garden');
  await page.fill('#register-price', '0.5');
  await page.getByRole('button', { name: 'Sign and register' }).click();
  await page.waitForSelector('[data-testid=registered-model]', { timeout: 30_000 });
  const modelId = (await page.getAttribute('[data-testid=registered-model]', 'href')).split('#/model/')[1];
  await audit('training-registered', null);
  await page.click('[data-testid=registered-model]');
  await page.waitForSelector('[data-ready=model]');
  const model = (await gql(`query($id: Hash!) { model(id: $id) { id name owner price ownerBps contributorsBps protocolBps
    versions { number adapter trainingRecord datanetVersions { id number datanetId } } } }`, { id: modelId })).model;
  out.model = model;
  check('the model is registered with the job\'s hashes', model !== null && model.owner.toLowerCase() === wallet.address.toLowerCase()
    && model.versions[0].adapter === trained.adapter && model.versions[0].trainingRecord === trained.trainingRecord
    && model.versions[0].datanetVersions[0].id === trained.datanetVersion, JSON.stringify(model));
  await visit('model', `#/model/${modelId}`, '[data-ready=model]');
  const versionsText = await text('[data-testid=model-versions]');
  check('the model page shows its version, adapter and datanet version', (await page.getAttribute('[data-testid=version-adapter]', 'title')) === trained.adapter
    && (await page.getAttribute('[data-testid=version-record]', 'title')) === trained.trainingRecord
    && await page.locator(`[data-testid=version-datanets] a[href="#/datanet/${datanet}"]`).count() === 1 && versionsText.includes('Kitchen or garden version 1'), versionsText);
  check('the model page shows price and split', (await text('[data-testid=model-price]')).startsWith('0.5 OPEN')
    && (await text('[data-testid=model-split]')).includes('owner 70% (7000 bps)'), `${await text('[data-testid=model-price]')} ${await text('[data-testid=model-split]')}`);
  check('the model page draws its revenue chart', await page.locator('.chart canvas').count() >= 2);
  check('the model page says nobody asked it yet', (await text('main')).includes('Nobody has asked this model yet'));

  // 7b. Someone asks it (outside the page, as any client): the model page lists the inference, linked to its page.
  const question = (await gql('mutation($t: String!) { uploadContent(text: $t) { hash } }', { t: 'a spatula for turning pancakes' })).uploadContent.hash;
  const inference = await sendAs(contributor, 'requestInference', { model: modelId, input: question, maxFee: model.price });
  await committed(inference);
  await visit('model-asked', `#/model/${modelId}`, '[data-ready=model] [data-testid=model-inferences]');
  check('the model page lists an inference linked to its page', await page.locator(`[data-testid=model-inferences] a[href="#/inference/${inference}"]`).count() === 1
    && (await text('[data-testid=model-inference-count]')) === '1', await text('[data-testid=model-inferences]'));

  // 8. The models list links it; search by its id opens it.
  await visit('models', '#/models', '[data-ready=models]');
  check('the models list links the model', await page.locator(`[data-testid=models] a[href="#/model/${modelId}"]`).count() === 1
    && await page.locator('nav[aria-label=Main] a[href="#/models"][aria-current=page]').count() === 1);
  await page.fill('#search-input', modelId);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForSelector('[data-ready=model]');
  check('search by model id opens its page', page.url().endsWith(`#/model/${modelId}`), page.url());

  // 9. Bad input.
  await visit('model-unknown', `#/model/0x${'00'.repeat(31)}01`, '[data-ready=model-missing]');
  check('an unknown model id says so', (await text('main')).includes('This node knows no model'));
  await visit('model-invalid', '#/model/not-a-model', '[data-ready=model-invalid]');
  check('a malformed model id has its code', await page.getAttribute('[data-error-code]', 'data-error-code') === 'INVALID_INPUT');
  await visit('training-unknown', `#/training/0x${'00'.repeat(31)}02`, '[data-ready=training-missing]');
  check('an unknown job id says so', (await text('main')).includes('This node knows no training job'));

  out.walletSignatures = testWallet.signatures();
} catch (e) {
  out.error = String(e?.stack ?? e);
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
