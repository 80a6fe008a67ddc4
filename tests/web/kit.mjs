// Reusable pieces of the browser tests: the JSON in and out (checks), GraphQL from Node, Debian's Chromium, an injected
// EIP-1193 test wallet that holds several keys and can switch its account, console-error watching, and the per-page
// audit (axe-core: no serious or critical violation; a screenshot; the time to interactive).
import { chromium } from 'playwright-core';
import { Wallet } from 'ethers';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The result every script prints: named checks (true, or what was seen instead), pages, console errors. */
export function results() {
  const out = { checks: {}, pages: [], consoleErrors: [] };
  const check = (name, ok, detail) => { out.checks[name] = ok ? true : (detail ?? false); return !!ok; };
  return { out, check };
}

/** GraphQL over HTTP from Node (a client outside the page): data, or an Error with the API's errors. */
export const gqlAt = (base) => async (query, variables) => {
  const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await r.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

/** Waits until the node holds `hash` committed; returns { status, kind, receipt }. */
export async function committed(gql, hash, tries = 300) {
  for (let i = 0; i < tries; i++) {
    const tx = (await gql('query($h: Hash!) { transaction(hash: $h) { status kind receipt { succeeded errorCode } } }', { h: hash })).transaction;
    if (tx?.status === 'COMMITTED') return tx;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${hash} not committed in ${tries / 10} s`);
}

export const launch = (executablePath) => chromium.launch({
  executablePath: executablePath ?? '/usr/bin/chromium',
  headless: true,
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});

/**
 * Injects a test wallet into every page of `context`: what MetaMask offers a page (request({ method, params }) and
 * on(event, listener)), holding the given keys and signing the node's typed data with ethers in Node. `use(i)` switches
 * its account silently (the page learns it when it connects again); `switchTo(i)` switches and tells every open page
 * (accountsChanged), as MetaMask does; `lock()` tells them it shares no account (accountsChanged with []).
 * `options.chainId` is the chain the wallet is on (eth_chainId; unset: it does not answer eth_chainId, as before);
 * `setChain(id)` moves it and tells the pages (chainChanged; `{ silent: true }`: not). Like MetaMask, it refuses to sign typed data whose domain
 * names another chain than its own. `signatures()` counts the signatures asked of it (one per intent).
 */
export async function injectWallet(context, keys, options = {}) {
  const wallets = keys.map((k) => new Wallet(k));
  let current = 0;
  let signatures = 0;
  let chainId = options.chainId ?? null;
  await context.exposeBinding('__testWalletAccount', () => wallets[current].address);
  await context.exposeBinding('__testWalletChain', () => chainId);
  await context.exposeBinding('__testWalletSign', async (_source, address, json) => {
    const w = wallets.find((x) => x.address.toLowerCase() === String(address).toLowerCase());
    if (!w) throw new Error(`the test wallet holds no key for ${address}`);
    signatures++;
    const typed = JSON.parse(json);
    const { EIP712Domain: _d, ...types } = typed.types;
    return w.signTypedData(typed.domain, types, typed.message);
  });
  await context.addInitScript(() => {
    const listeners = {};
    window.__testWalletEmit = (event, value) => { for (const fn of listeners[event] ?? []) fn(value); };
    window.ethereum = {
      isTestWallet: true,
      on(event, fn) { (listeners[event] ??= []).push(fn); },
      removeListener(event, fn) { listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn); },
      async request({ method, params }) {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [await window.__testWalletAccount()];
        if (method === 'eth_chainId') {
          const id = await window.__testWalletChain();
          if (id === null) throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
          return `0x${id.toString(16)}`;
        }
        if (method === 'eth_signTypedData_v4') {
          if (params[0].toLowerCase() !== (await window.__testWalletAccount()).toLowerCase())
            throw Object.assign(new Error('unknown account'), { code: 4100 });
          const active = await window.__testWalletChain();
          const asked = JSON.parse(params[1]).domain?.chainId;
          // MetaMask's refusal, word for word (an invalid-params error).
          if (active !== null && asked !== undefined && Number(asked) !== active)
            throw Object.assign(new Error(`Provided chainId "${asked}" must match the active chainId "${active}"`), { code: -32602 });
          return window.__testWalletSign(params[0], params[1]);
        }
        throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
      },
    };
  });
  const emit = async (event, value) => {
    for (const p of context.pages()) await p.evaluate(([e, v]) => window.__testWalletEmit?.(e, v), [event, value]);
  };
  return {
    wallets,
    use: (i) => { current = i; return wallets[i]; },
    switchTo: async (i) => { current = i; await emit('accountsChanged', [wallets[i].address]); return wallets[i]; },
    lock: () => emit('accountsChanged', []),
    // `silent`: the wallet moves without telling the pages (a page that missed the event).
    setChain: async (id, { silent = false } = {}) => { chainId = id; if (!silent) await emit('chainChanged', `0x${id.toString(16)}`); },
    emit,
    get address() { return wallets[current].address; },
    get chainId() { return chainId; },
    signatures: () => signatures,
  };
}

/** Records a page's console errors and uncaught exceptions into `sink`, each labelled. */
export function watchConsole(page, label, sink) {
  page.on('console', (m) => { if (m.type() === 'error') sink.push(`${label}: ${m.text()}`); });
  page.on('pageerror', (e) => sink.push(`${label}: ${e.message}`));
}

/** Records the GraphQL documents a page posts (which operations it sends, not what it computes). */
export function recordQueries(page) {
  const sent = [];
  page.on('request', (r) => { if (r.url().endsWith('/graphql') && r.method() === 'POST') sent.push(r.postData() ?? ''); });
  return sent;
}

/**
 * Opens `url` as a new document, timed from its own navigation start: a hash change alone would not load the app again,
 * so a tab already showing something goes through about:blank first. (It used to go to the address and reload as soon
 * as the navigation committed; Chromium sometimes swapped the tab's renderer under that reload, which then failed with
 * "Not attached to an active page".) The tab's sessionStorage (the wallet choice) survives, as with a reload.
 */
export async function loadFresh(page, url) {
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
}

/**
 * The per-page checks: `visit` opens an address with a full load (a visitor's first paint, timed from navigation start
 * until `readySelector` is shown: `performance.now()`), then `audit`s it: axe-core's serious and critical violations, a
 * full-page screenshot `<name>.png` in `screenshots`, and a row in `out.pages`.
 */
export function pages(page, base, out, screenshots) {
  mkdirSync(screenshots, { recursive: true });
  async function audit(name, readyMs = null) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const violations = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    out.pages.push({ name, readyMs: readyMs === null ? null : Math.round(readyMs), violations });
  }
  async function visit(name, hash, readySelector = '[data-ready]') {
    await loadFresh(page, `${base}/${hash}`);
    await page.waitForSelector(readySelector, { timeout: 15_000 });
    const readyMs = await page.evaluate(() => performance.now());
    await audit(name, readyMs);
    return readyMs;
  }
  return { visit, audit };
}

/** Resolves true when `selector` appears within `timeout` ms, false otherwise (a check, not a failure). */
export const appears = (page, selector, timeout = 10_000) => page.waitForSelector(selector, { timeout }).then(() => true, () => false);

/** Signs an intent as any client does outside the page (typedData -> ethers -> sendTransaction) with `signerWallet` (an
 * ethers Wallet): `argument` is typedData's argument (createDatanet, contribute, ...). Returns the transaction's hash;
 * throws when the node refuses it. `gql` is gqlAt(base)'s. */
export async function sendAs(gql, signerWallet, argument, intent) {
  const type = argument[0].toUpperCase() + argument.slice(1) + 'Intent';
  const td = (await gql(`mutation($i: ${type}!) { typedData(${argument}: $i) { json hash } }`, { i: { from: signerWallet.address, ...intent } })).typedData;
  const typed = JSON.parse(td.json);
  const { EIP712Domain: _d, ...types } = typed.types;
  const signature = await signerWallet.signTypedData(typed.domain, types, typed.message);
  const sent = (await gql('mutation($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted hash errorCode errorMessage } }',
    { s: { typedData: td.json, signature } })).sendTransaction;
  if (!sent.accepted) throw new Error(`${argument} refused: ${JSON.stringify(sent)}`);
  return sent.hash;
}

/** `sendAs` bound to one node's `gql`: `(signer, argument, intent) => hash`. */
export const sendAsWith = (gql) => (signer, argument, intent) => sendAs(gql, signer, argument, intent);

/** As `committed`, and throws when the committed transaction failed (a setup step that must have worked). */
export async function succeeded(gql, hash) {
  const tx = await committed(gql, hash);
  if (!tx.receipt.succeeded) throw new Error(`${tx.kind} ${hash} failed: ${tx.receipt.errorCode}`);
  return tx;
}

/** As gqlAt, with a bearer token (the operator's, for what only the operator may do: a test's setup, never the page). */
export const gqlAtWithToken = (base, token) => async (query, variables) => {
  const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }) });
  const body = await r.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

/**
 * `pages` for several tabs: `visit(page, name, hash, readySelector, whenReady)` opens an address with a full load
 * (`loadFresh`), returns what `whenReady(page)` read as soon
 * as it was ready, and audits it; `audit(page, name, readyMs)` as `pages`'.
 */
export function tabPages(base, out, screenshots) {
  const each = new Map();
  const of = (page) => { if (!each.has(page)) each.set(page, pages(page, base, out, screenshots)); return each.get(page); };
  async function visit(page, name, hash, readySelector = '[data-ready]', whenReady = null) {
    await loadFresh(page, `${base}/${hash}`);
    await page.waitForSelector(readySelector, { timeout: 15_000 });
    const readyMs = await page.evaluate(() => performance.now());
    // What a check must read the moment the page is ready (the audit's axe run and screenshot take a while).
    const seen = whenReady ? await whenReady(page) : undefined;
    await of(page).audit(name, readyMs);
    return seen;
  }
  return { visit, audit: (page, name, readyMs = null) => of(page).audit(name, readyMs) };
}
