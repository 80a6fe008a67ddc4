// The whole story through the web app, in a real browser against a real node, through the UI only (an injected
// EIP-1193 test wallet holding the dev keys, its account switched as a user would). First half: create a datanet,
// contribute from two dev accounts (one by files, one by text), curate in bulk across the queue's pages, publish a
// version. Each step is a named function that records checks; later steps (train, watch the loss, register, pay an
// inference, attribution, live rewards) append to STEPS and read what earlier ones left in `story`.
//
// stdin:  { "url": "http://127.0.0.1:PORT/", "keys": ["0x..", ...] (dev 0-4: owner, file contributor, text
//           contributor, publisher, inference caller), "screenshots": "/abs/dir", "chromium": "/usr/bin/chromium" }
// stdout: { checks: { name: true|what was seen }, steps: [{ name, ms, error? }], pages: [{ name, readyMs, violations }],
//           consoleErrors: [...], story: { datanet, files, texts, curated, version, job, trained, model, inference, settlement,
//           liveRewards } }
import {
  readStdinJson, results, gqlAt, launch, injectWallet, watchConsole, recordQueries, pages, appears,
} from './kit.mjs';

const input = await readStdinJson();
const base = input.url.replace(/\/$/, '');
const gql = gqlAt(base);
const { out, check } = results();
out.steps = [];
const story = (out.story = {});

// The story's data: a text -> label datanet of bird families. Dev 1 contributes 12 examples as files, dev 2 eight as
// text (the last off topic, for the curator to reject): 19 approved examples to train on.
const birds = [
  ['The barn swallow catches insects in flight over fields and water', 'swallow'],
  ['The house martin builds a mud nest under the eaves of houses', 'swallow'],
  ['The sand martin digs its nest burrow into river banks', 'swallow'],
  ['The common swift spends almost its whole life on the wing', 'swift'],
  ['The alpine swift nests in crevices of high cliffs and towers', 'swift'],
  ['The great tit visits garden feeders for sunflower seeds', 'tit'],
  ['The blue tit hangs upside down from twigs to find caterpillars', 'tit'],
  ['The coal tit stores seeds in the bark of conifers for winter', 'tit'],
  ['The long-tailed tit travels in noisy flocks through hedges', 'tit'],
  ['The white stork nests on roofs and chimneys near wet meadows', 'stork'],
  ['The black stork hides its nest deep in old forests', 'stork'],
  ['The grey heron stands still in shallow water waiting for fish', 'heron'],
  ['The little egret stirs the mud with its yellow feet', 'heron'],
  ['The purple heron keeps to dense reed beds', 'heron'],
  ['The common kingfisher dives from a perch to catch small fish', 'kingfisher'],
  ['The European robin sings from a low branch even in winter', 'chat'],
  ['The common nightingale sings at night from thick bushes', 'chat'],
  ['The black redstart nests on buildings and quivers its red tail', 'chat'],
  ['The northern wheatear flashes a white rump as it flies off', 'chat'],
];
const example = ([text, label]) => JSON.stringify({ text, label });
const offTopic = JSON.stringify({ text: 'Bananas are yellow and grow in bunches on large herbaceous plants', label: 'fruit' });

const browser = await launch(input.chromium);
const watchdog = setTimeout(() => { process.stderr.write('story.mjs timed out\n'); process.exit(2); }, 560_000);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const wallet = await injectWallet(context, input.keys);
  const page = await context.newPage();
  watchConsole(page, 'story', out.consoleErrors);
  const sent = recordQueries(page);
  const { visit, audit } = pages(page, base, out, input.screenshots);

  // Switches the wallet's account and connects it in the page (Disconnect, then Connect wallet), as a user would.
  async function connectAs(index) {
    const address = wallet.use(index).address;
    if (await page.getByRole('button', { name: 'Disconnect' }).count()) await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await page.waitForSelector(`[data-testid=signer-address][title="${address}"]`, { timeout: 5000 });
    return address;
  }
  const chainInfo = (await gql('{ chain { gasPriceFloor gasSchedule { kind gas } } }')).chain;
  const gasOf = (kind) => BigInt(chainInfo.gasSchedule.find((g) => g.kind === kind).gas) * BigInt(chainInfo.gasPriceFloor);
  const ctx = { page, gql, check, wallet, visit, audit, connectAs, sent, story, gasOf, input, base };

  /** The steps, in order; each records its checks and leaves what later steps need in `story`. */
  const STEPS = [
    ['create a datanet', async () => {
      await visit('story-datanets', '#/datanets', '[data-ready=datanets]');
      check('the datanets list offers to create one', await page.locator('[data-testid=new-datanet]').count() === 1);
      await page.click('[data-testid=new-datanet]');
      await page.waitForSelector('[data-ready=new-datanet]');
      await visit('story-new-datanet', '#/datanets/new', '[data-ready=new-datanet]');
      story.owner = await connectAs(0);
      // Nothing typed yet: the form says what is missing instead of asking the wallet.
      await page.getByRole('button', { name: 'Sign and create' }).click();
      check('creating a datanet without a name is refused on the page', (await page.textContent('#dn-name-error')).includes('needs a name'),
        await page.textContent('#dn-name-error'));
      await page.fill('#dn-curators', '0x1234');
      check('a wrong curator address is flagged', (await page.textContent('#dn-curators-error')).includes('Addresses'));
      await page.fill('#dn-curators', '');
      await page.fill('#dn-name', 'Story: bird families');
      await page.fill('#dn-description', 'Short descriptions of European birds, labelled with their family.');
      await page.selectOption('#dn-task', '3');
      await page.fill('#dn-fee', '0.001');
      await page.fill('#dn-stake', '1');
      await page.fill('#dn-tags', 'birds, story');
      await page.fill('#dn-license', 'CC0-1.0');
      const gasShown = await page.getAttribute('[data-testid=new-datanet-gas]', 'data-wei');
      check('the create form shows its gas before signing', gasShown === gasOf('CreateDatanet').toString(), `${gasShown} vs ${gasOf('CreateDatanet')}`);
      await audit('story-new-datanet-filled');
      const signedBefore = wallet.signatures();
      await page.getByRole('button', { name: 'Sign and create' }).click();
      await page.waitForURL(/#\/datanet\/0x[0-9a-f]{64}$/i, { timeout: 30_000 });
      await page.waitForSelector('[data-ready=datanet]');
      story.datanet = page.url().split('#/datanet/')[1];
      const d = (await gql(`query($d: Hash!) { datanet(id: $d) { name owner taskKind feePerKb stake forfeitTo curators tags license } }`,
        { d: story.datanet })).datanet;
      check('the datanet created from the page is on the node, signed once by the wallet', d && d.owner.toLowerCase() === story.owner.toLowerCase()
        && d.name === 'Story: bird families' && d.taskKind === 'TEXT_LABEL' && d.feePerKb === '1000000000000000' && d.stake === '1000000000000000000'
        && d.forfeitTo === 'OWNER' && d.curators.length === 0 && d.tags.join() === 'birds,story' && d.license === 'CC0-1.0'
        && wallet.signatures() - signedBefore === 1, JSON.stringify(d));
      check('the new datanet\'s page opens once it is committed', (await page.textContent('[data-testid=datanet-name]')) === 'Story: bird families');
      await audit('story-datanet-created');
    }],

    ['contribute files', async () => {
      await visit('story-datanet', `#/datanet/${story.datanet}`, '[data-ready=datanet]');
      story.fileContributor = await connectAs(1);
      const files = birds.slice(0, 12).map((b, i) => ({ name: `bird-${String(i + 1).padStart(2, '0')}.json`, mimeType: 'application/json', buffer: Buffer.from(example(b)) }));
      // Eight chosen with the file picker, with a file not in the datanet's format and one too large for the node...
      await page.setInputFiles('#contribute-files', [...files.slice(0, 8),
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Just some notes, not a labelled example.') },
        { name: 'huge.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ text: 'x'.repeat(1_200_000), label: 'big' })) }]);
      // ...and four dropped onto the drop zone.
      const transfer = await page.evaluateHandle((fs) => {
        const dt = new DataTransfer();
        for (const f of fs) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
        return dt;
      }, files.slice(8).map((f) => ({ name: f.name, text: f.buffer.toString('utf8') })));
      await page.dispatchEvent('[data-testid=file-drop]', 'drop', { dataTransfer: transfer });
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid=file-items] tbody tr')];
        return rows.length === 14 && rows.every((r) => r.dataset.state !== 'uploading');
      }, null, { timeout: 30_000 });
      const states = await page.locator('[data-testid=file-items] tbody tr').evaluateAll((trs) => trs.map((t) => ({
        name: t.dataset.file, state: t.dataset.state, code: t.querySelector('[data-error-code]')?.dataset.errorCode ?? null,
        fee: t.children[2].dataset.wei ?? null, stake: t.children[3].dataset.wei ?? null })));
      const ready = states.filter((s) => s.state === 'ready');
      check('twelve files chosen and dropped are checked by the node and ready to sign', ready.length === 12
        && files.every((f) => ready.some((s) => s.name === f.name)), JSON.stringify(states));
      const byName = Object.fromEntries(states.map((s) => [s.name, s]));
      check('a file not in the datanet\'s format shows InvalidTaskExample before signing', byName['notes.txt']?.state === 'refused'
        && byName['notes.txt'].code === 'InvalidTaskExample', JSON.stringify(byName['notes.txt']));
      check('an over-size file shows its code before signing', byName['huge.json']?.state === 'refused'
        && byName['huge.json'].code === 'ContributionTooLarge', JSON.stringify(byName['huge.json']));
      const size = files[0].buffer.length;
      const cost = (await gql('query($d: Hash!, $n: Long!) { datanet(id: $d) { contributionCost(size: $n) { fee stake } } }', { d: story.datanet, n: size })).datanet.contributionCost;
      check('each file\'s fee and stake before signing are the node\'s contributionCost', byName[files[0].name].fee === cost.fee
        && byName[files[0].name].stake === cost.stake, `${JSON.stringify(byName[files[0].name])} vs ${JSON.stringify(cost)}`);
      check('the plan says twelve signatures in one submission', (await page.textContent('[data-testid=files-plan]')).startsWith('12 files ready: 12 signatures'),
        await page.textContent('[data-testid=files-plan]'));
      const uploads = sent.filter((q) => q.includes('uploadContent(base64: $b, datanet: $datanet)'));
      // Thirteen: the over-size file is refused by the page before it is read or sent.
      check('each file is uploaded on its own as the CLI does (uploadContent with base64 and the datanet)', uploads.length === 13
        && uploads.every((q) => JSON.parse(q).variables.datanet === story.datanet), `${uploads.length} uploads`);
      await audit('story-files-checked');
      sent.length = 0;
      const signedBefore = wallet.signatures();
      await page.getByRole('button', { name: 'Sign and contribute 12 files' }).click();
      await page.waitForSelector('[data-testid=files-done]', { timeout: 60_000 });
      const after = await page.locator('[data-testid=file-items] tbody tr').evaluateAll((trs) => trs.map((t) => ({ name: t.dataset.file, state: t.dataset.state,
        hash: t.querySelector('a[href^="#/tx/"]')?.title ?? null })));
      const done = after.filter((s) => s.state === 'committed');
      story.files = done.map((s) => ({ name: s.name, contribution: s.hash }));
      check('the twelve files are contributed, each followed to committed', done.length === 12 && done.every((s) => s.hash), JSON.stringify(after));
      check('one wallet signature per file, all sent in one sendTransactions call', wallet.signatures() - signedBefore === 12
        && sent.filter((q) => q.includes('sendTransactions(')).length === 1 && !sent.some((q) => q.includes('sendTransaction(')),
        `${wallet.signatures() - signedBefore} signatures; ${sent.filter((q) => q.includes('sendTransaction')).length} sends`);
      const mine = (await gql('query($d: Hash!) { datanet(id: $d) { contributions(first: 50) { nodes { id contributor status size } } } }', { d: story.datanet }))
        .datanet.contributions.nodes.filter((c) => c.contributor.toLowerCase() === story.fileContributor.toLowerCase());
      check('the node holds twelve pending contributions from the file contributor', mine.length === 12 && mine.every((c) => c.status === 'PENDING'), JSON.stringify(mine));
      await audit('story-files-contributed');
    }],

    ['contribute text', async () => {
      story.textContributor = await connectAs(2);
      const texts = [...birds.slice(12).map(example), offTopic];
      story.texts = [];
      for (const text of texts) {
        await page.fill('#contribute-text', text);
        await page.getByRole('button', { name: 'See the cost' }).click();
        await page.waitForSelector('[data-testid=contribute-review]');
        await page.getByRole('button', { name: 'Sign and contribute', exact: true }).click();
        await page.waitForSelector('[data-testid=contribute-status]:has-text("committed")', { timeout: 20_000 });
        story.texts.push({ text, contribution: await page.getAttribute('[data-testid=contribute-result] a[href^="#/tx/"]', 'title') });
      }
      story.offTopic = story.texts.at(-1).contribution;
      const theirs = await Promise.all(story.texts.map((t) => gql('query($h: Hash!) { contribution(id: $h) { contributor status } }', { h: t.contribution })));
      check('eight texts contributed from the page by a second account', theirs.length === 8 && theirs.every((t) =>
        t.contribution?.contributor.toLowerCase() === story.textContributor.toLowerCase() && t.contribution.status === 'PENDING'), JSON.stringify(theirs));
      await audit('story-text-contributed');
    }],

    ['curate in bulk', async () => {
      await visit('story-curation', `#/datanet/${story.datanet}`, '[data-ready=datanet]');
      await connectAs(0);
      await page.waitForSelector('[data-testid=curation-actions]');
      const pending = (await gql('query($d: Hash!) { datanet(id: $d) { pendingCount } }', { d: story.datanet })).datanet.pendingCount;
      check('the queue shows its first page of ten of twenty', pending === 20 && await page.locator('[data-testid=curation-queue] tbody tr').count() === 10
        && (await page.textContent('[data-testid=queue-range]')).startsWith('Rows 1 to 10 of 20'), `${pending}: ${await page.textContent('[data-testid=queue-range]').catch(() => '')}`);
      await page.getByRole('button', { name: 'Approve all on this page' }).click();
      const firstPage = await page.locator('[data-testid=curation-queue] tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.id));
      await page.getByRole('button', { name: 'Next 10' }).click();
      await page.waitForSelector('[data-testid=queue-range]:has-text("Rows 11 to 20 of 20")');
      await page.waitForFunction((ids) => !ids.includes(document.querySelector('[data-testid=curation-queue] tbody tr')?.dataset.id), firstPage);
      const secondPage = await page.locator('[data-testid=curation-queue] tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.id));
      check('the queue pages past ten rows', secondPage.length === 10 && !secondPage.some((id) => firstPage.includes(id)), `${firstPage} / ${secondPage}`);
      await page.getByRole('button', { name: 'Approve all on this page' }).click();
      await page.locator(`[data-testid=curation-queue] tr[data-id="${story.offTopic}"] select`).selectOption('reject');
      await page.fill('#reject-reason', 'off topic: not a bird');
      const plan = await page.textContent('[data-testid=curation-plan]');
      check('decisions chosen on two pages are planned together', plan.startsWith('19 to approve, 1 to reject: 20 signatures'), plan);
      await audit('story-curation-chosen');
      sent.length = 0;
      const signedBefore = wallet.signatures();
      await page.getByRole('button', { name: 'Sign and submit 20 decisions' }).click();
      await page.waitForSelector('[data-testid=curation-results][data-done=true]', { timeout: 60_000 });
      const outcomes = await page.locator('[data-testid=curation-results] li').evaluateAll((lis) => lis.map((l) => l.dataset.outcome));
      check('twenty decisions followed to committed: nineteen approved, one rejected', outcomes.length === 20
        && outcomes.filter((o) => o === 'approved').length === 19 && outcomes.filter((o) => o === 'rejected').length === 1, JSON.stringify(outcomes));
      check('bulk curation: one signature each, one sendTransactions call', wallet.signatures() - signedBefore === 20
        && sent.filter((q) => q.includes('sendTransactions(')).length === 1, `${wallet.signatures() - signedBefore} signatures`);
      const d = (await gql('query($d: Hash!, $c: Hash!) { datanet(id: $d) { approvedCount rejectedCount pendingCount } contribution(id: $c) { status reason } }',
        { d: story.datanet, c: story.offTopic }));
      story.curated = { approved: d.datanet.approvedCount, rejected: d.datanet.rejectedCount };
      check('the node holds the decisions', d.datanet.approvedCount === 19 && d.datanet.rejectedCount === 1 && d.datanet.pendingCount === 0
        && d.contribution.status === 'REJECTED' && d.contribution.reason === 'off topic: not a bird', JSON.stringify(d));
      check('the queue is empty afterwards', await appears(page, '[data-testid=queue-summary]:has-text("0 pending")'));
      await audit('story-curated');
    }],

    ['publish a version', async () => {
      await page.waitForSelector('[data-testid=publish-preview]:has-text("19 approved so far")', { timeout: 10_000 });
      await page.getByRole('button', { name: 'Sign and publish version 1' }).click();
      await page.waitForSelector('[data-testid=published-root]', { timeout: 30_000 });
      const shownRoot = await page.textContent('[data-testid=published-root]');
      const v = (await gql('query($d: Hash!) { datanet(id: $d) { version(number: 1) { id number root count publishedBy } } }', { d: story.datanet })).datanet.version;
      story.version = v;
      check('version 1 published from the page, its root the node\'s', v && v.count === 19 && shownRoot === v.root
        && v.publishedBy.toLowerCase() === story.owner.toLowerCase(), `${shownRoot} vs ${JSON.stringify(v)}`);
      await audit('story-published');
    }],

    // The second half: dev 3 trains a model on version 1 and registers it, dev 4 pays for an inference, and the
    // contributors' rewards pages (open in other tabs since before the payment) get their credits live.
    ['train a model', async () => {
      await visit('story-datanet-versioned', `#/datanet/${story.datanet}`, '[data-ready=datanet]');
      await page.click('[data-testid=train-link]');
      await page.waitForSelector('[data-ready=train] #train-version');
      await audit('story-train');
      story.publisher = await connectAs(3);
      // 240 steps of 4 over the 19 examples: several seconds on one libtorch thread. 80 were once over before the
      // job's page had drawn its first point on a fast CI machine, so the page's point counts are now recorded by an
      // observer installed before signing (the app navigates within the same document) rather than sampled twice.
      await page.fill('#train-steps', '240');
      await page.fill('#train-batch', '4');
      await page.waitForSelector('[data-testid=train-passes]:has-text("960")');
      await page.evaluate(() => {
        window.__lossSeen = [];
        const record = () => {
          const shown = document.querySelector('[data-testid=loss-points]');
          const n = shown ? Number(shown.textContent) : NaN;
          if (Number.isFinite(n) && window.__lossSeen.at(-1) !== n) window.__lossSeen.push(n);
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const signedBefore = wallet.signatures();
      await page.getByRole('button', { name: 'Sign and start training' }).click();
      await page.waitForSelector('[data-ready=training]', { timeout: 20_000 });
      story.job = page.url().split('#/training/')[1];
      // Moving means two different non-zero counts drawn one after the other (an empty chart's 0 does not count).
      const moved = await page.waitForFunction(() => window.__lossSeen.filter((n) => n > 0).length >= 2, null, { timeout: 90_000 })
        .then(() => page.evaluate(() => { const drawn = window.__lossSeen.filter((n) => n > 0); return drawn.at(-1) > drawn[0]; }), () => false);
      story.lossPoints = await page.evaluate(() => window.__lossSeen.slice(0, 12));
      check('the loss chart moves while the job trains', moved, JSON.stringify(story.lossPoints));
      await audit('story-training');
      await page.waitForSelector('[data-testid=job-status]:has-text("succeeded")', { timeout: 180_000 });
      const job = (await gql('query($id: Hash!) { trainingJob(id: $id) { status owner step totalSteps adapter datanetVersion } }', { id: story.job })).trainingJob;
      story.trained = job;
      check('the job was started by the publisher\'s one signature and trained version 1 to the end', job.status === 'SUCCEEDED'
        && job.owner.toLowerCase() === story.publisher.toLowerCase() && job.step === job.totalSteps && job.step === 240
        && wallet.signatures() - signedBefore === 1, JSON.stringify(job));
      await audit('story-trained');
    }],

    ['register the model', async () => {
      await page.waitForSelector('[data-testid=register]');
      await page.fill('#register-name', 'bird-families');
      await page.fill('#register-price', '1');
      await page.getByRole('button', { name: 'Sign and register' }).click();
      await page.waitForSelector('[data-testid=registered-model]', { timeout: 30_000 });
      story.model = (await page.getAttribute('[data-testid=registered-model]', 'href')).split('#/model/')[1];
      await page.click('[data-testid=registered-model]');
      await page.waitForSelector('[data-ready=model]');
      const m = (await gql('query($id: Hash!) { model(id: $id) { name owner price versions { adapter datanetVersionIds } } }', { id: story.model })).model;
      check('the model registered from the job page is the publisher\'s, trained on version 1', m && m.name === 'bird-families'
        && m.owner.toLowerCase() === story.publisher.toLowerCase() && m.price === '1000000000000000000'
        && m.versions[0].adapter === story.trained.adapter && m.versions[0].datanetVersionIds.includes(story.version.id), JSON.stringify(m));
      await audit('story-model');
    }],

    ['pay for an inference', async () => {
      // Each contributor's rewards page, opened before the payment in a tab of its own: the credits must arrive live.
      story.rewardTabs = [];
      for (const address of [story.fileContributor, story.textContributor]) {
        const tab = await page.context().newPage();
        watchConsole(tab, `rewards ${address}`, out.consoleErrors);
        await pages(tab, base, out, input.screenshots).visit(`story-rewards-before-${story.rewardTabs.length + 1}`, `#/rewards/${address}`, '[data-ready=rewards]');
        await tab.waitForSelector('[data-testid=link-state]:has-text("Live")', { timeout: 10_000 });
        await tab.evaluate(() => { window.__sameDocument = true; });
        story.rewardTabs.push({ address, tab, before: await tab.getAttribute('[data-testid=rewards-total]', 'data-wei') });
      }
      await page.bringToFront();
      await visit('story-playground', `#/playground?model=${story.model}`, '[data-ready=playground]');
      story.caller = await connectAs(4);
      await page.waitForSelector('[data-testid=playground-price]');
      check('the playground shows the model\'s price and the gas before signing', await page.getAttribute('[data-testid=playground-price]', 'data-wei') === '1000000000000000000'
        && await page.getAttribute('[data-testid=playground-gas]', 'data-wei') === gasOf('RequestInference').toString(),
        `${await page.getAttribute('[data-testid=playground-price]', 'data-wei')} / ${await page.getAttribute('[data-testid=playground-gas]', 'data-wei')}`);
      await page.fill('#playground-input', 'The sand martin digs its nest burrow into river banks');
      const paidAt = Date.now();
      await page.getByRole('button', { name: 'Sign and pay' }).click();
      await page.waitForSelector('[data-testid=playground-result]', { timeout: 15_000 });
      story.inference = await page.getAttribute('[data-testid=playground-result]', 'data-id');
      await page.waitForSelector('[data-testid=inference-output]', { timeout: 90_000 });
      story.outputMs = Date.now() - paidAt;
      await audit('story-inference-served');
      await page.waitForSelector('[data-testid=evidence][data-state=settled]', { timeout: 180_000 });
      story.evidenceMs = Date.now() - paidAt;
      const i = (await gql(`query($id: Hash!) { inference(id: $id) { status caller outputText
        attribution { contributions(first: 100) { contributionId share payout contribution { contributor datanetId } } } rewards { party amount detail } } }`,
        { id: story.inference })).inference;
      story.settlement = i;
      check('the output shown is the node\'s, paid by the caller', i.caller.toLowerCase() === story.caller.toLowerCase()
        && (await page.textContent('[data-testid=inference-output]')) === i.outputText, i.outputText);
      const rows = await page.locator('[data-testid=evidence-contributions] tbody tr').evaluateAll((trs) => trs.map((t) => ({ id: t.dataset.id, payout: t.dataset.payout })));
      const credited = i.attribution?.contributions ?? [];
      check('the attribution evidence names the story\'s contributions with the node\'s payouts', i.status === 'SETTLED' && rows.length > 0
        && rows.every((r, n) => r.id === credited[n].contributionId && r.payout === credited[n].payout && credited[n].contribution.datanetId === story.datanet)
        && Math.abs(credited.reduce((s, c) => s + c.share, 0) - 1) < 1e-6, JSON.stringify({ rows, credited: credited.slice(0, 8) }));
      await audit('story-inference-settled');
    }],

    ['rewards update live', async () => {
      const paid = story.settlement.rewards.filter((r) => story.rewardTabs.some((t) => t.address.toLowerCase() === r.party?.toLowerCase()));
      check('the settlement credits the story\'s contributors', paid.length > 0, JSON.stringify(story.settlement.rewards));
      story.liveRewards = [];
      for (const { address, tab, before } of story.rewardTabs) {
        const total = (await gql('query($a: Address!) { rewards(address: $a) { total } }', { a: address })).rewards.total;
        if (total === before) continue; // this contributor was not credited by the one settlement
        const live = await appears(tab, `[data-testid=rewards-feed] tr[data-live=true][data-inference="${story.inference}"]`, 20_000)
          && await appears(tab, `[data-testid=rewards-total][data-wei="${total}"]`, 10_000);
        story.liveRewards.push({ address, before, total, live, sameDocument: await tab.evaluate(() => window.__sameDocument === true) });
        await tab.bringToFront();
        await pages(tab, base, out, input.screenshots).audit(`story-rewards-after-${story.liveRewards.length}`);
      }
      check('each credited contributor\'s open rewards page shows the new credit and total live, without a reload', story.liveRewards.length > 0
        && story.liveRewards.every((r) => r.live && r.sameDocument && BigInt(r.total) > BigInt(r.before)), JSON.stringify(story.liveRewards));
      for (const { tab } of story.rewardTabs) await tab.close();
      delete story.rewardTabs; // pages are not JSON
    }],
  ];

  for (const [name, run] of STEPS) {
    const started = Date.now();
    try {
      await run(ctx);
      out.steps.push({ name, ms: Date.now() - started });
    } catch (e) {
      // A step that throws ends the story: later steps need what it should have left.
      out.steps.push({ name, ms: Date.now() - started, error: `${e?.stack ?? e}` });
      out.error = `step "${name}": ${e?.stack ?? e}`;
      await page.screenshot({ path: `${input.screenshots}/story-failed.png`, fullPage: true }).catch(() => {});
      break;
    }
  }
} catch (e) {
  out.error = `${e?.stack ?? e}`;
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
