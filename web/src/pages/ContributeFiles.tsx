// Contribute files to a datanet, as the CLI's `contribute --datanet ID FILE|DIR...` does: each file chosen (or dropped)
// is uploaded on its own through uploadContent(base64, datanet), so the node checks it against the datanet's task format
// and size and answers its hashes, its cost and its near duplicates BEFORE anything is signed; each file shows its
// status (a refused one its code: InvalidTaskExample, ContributionTooLarge, PAYLOAD_TOO_LARGE...). Then the wallet signs
// one Contribute per accepted file (consecutive nonces), all sent in ONE sendTransactions call, each followed to its
// commit.
import { useRef, useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { BALANCE, TYPED_CONTRIBUTE } from '../api/documents';
import { UPLOAD_FILE_FOR } from '../api/datanetWrite';
import { useSignal } from '../api/signal';
import { chain, loadChain } from '../api/chain';
import { signer } from '../wallet/wallet';
import { signAndSubmitAll } from '../wallet/submit';
import { follow } from '../wallet/follow';
import { bytesToHex, keccak } from '../crypto/hex';
import { formatOpen, short } from '../ui/format';
import { sentenceFor } from '../ui/errors';
import { ErrorBox } from '../ui/states';
import { TxLink } from '../ui/links';

interface Upload { hash: string; normalizedHash: string; size: number; cost: { fee: string; stake: string; total: string } | null;
  nearDuplicates: { contributionId: string; similarity: number }[] }
/** One file: where it is, from reading it to its commit. */
interface Item {
  key: number; name: string; bytes: number;
  state: 'uploading' | 'ready' | 'refused' | 'signing' | 'pending' | 'committed' | 'failed';
  upload?: Upload; hash?: string; error?: ApiError;
}
type Phase = { step: 'choose' } | { step: 'signing'; signed: number; total: number } | { step: 'following' } | { step: 'done' } | { step: 'refused'; error: ApiError };

const toBase64 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('ERROR', String(e)));
const FORMAT: Record<string, string> = {
  TEXT: 'Each file is one example: any UTF-8 text.',
  PROMPT_COMPLETION: 'Each file is one example: a JSON object {"prompt": "…", "completion": "…"}.',
  TEXT_LABEL: 'Each file is one example: a JSON object {"text": "…", "label": "…"}.',
};

export function ContributeFiles({ datanet, taskKind, onCommitted }: { datanet: string; taskKind: string; onCommitted: () => void }) {
  const who = useSignal(signer);
  const info = useSignal(chain);
  const [items, setItems] = useState<Item[]>([]);
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [over, setOver] = useState(false);
  const next = useRef(0);
  const gas = BigInt(info?.gasSchedule.find((g) => g.kind === 'Contribute')?.gas ?? 0);
  const gasFee = info ? gas * BigInt(info.gasPriceFloor) : null;
  const update = (key: number, change: Partial<Item>) => setItems((all) => all.map((it) => (it.key === key ? { ...it, ...change } : it)));
  const busy = phase.step === 'signing' || phase.step === 'following';

  // Each file is read and uploaded in turn (the node budgets each client's upload bytes a minute).
  const add = async (files: File[]) => {
    if (busy || files.length === 0) return;
    if (phase.step === 'done') { setItems([]); setPhase({ step: 'choose' }); }
    const fresh = files.map((f): Item => ({ key: next.current++, name: f.name, bytes: f.size, state: 'uploading' }));
    setItems((all) => [...all, ...fresh]);
    for (const [k, file] of files.entries()) {
      const key = fresh[k].key;
      try {
        // Over the chain's limit: refused here, unread and unsent (the node would refuse it with the same code).
        const max = info?.maxContributionBytes ?? (await loadChain()).maxContributionBytes;
        if (file.size > max) throw new ApiError('ContributionTooLarge', `The file is ${file.size.toLocaleString('en-US')} bytes; the chain's limit is ${max.toLocaleString('en-US')}.`);
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (bytes.length === 0) throw new ApiError('InvalidField', 'The file is empty.');
        const upload = (await gql<{ uploadContent: Upload }>(UPLOAD_FILE_FOR, { b: toBase64(bytes), datanet })).uploadContent;
        // The node must hold these very bytes (as the CLI checks): the content hash is keccak-256 of the file.
        if (upload.hash.toLowerCase() !== bytesToHex(keccak(bytes)).toLowerCase() || upload.size !== bytes.length)
          throw new ApiError('HASH_MISMATCH', `The node stored ${upload.size} bytes as ${upload.hash}, not this file's bytes.`);
        update(key, { state: 'ready', upload });
      } catch (e) { update(key, { state: 'refused', error: asApiError(e) }); }
    }
  };

  const ready = items.filter((it) => it.state === 'ready');
  const total = ready.reduce((a, it) => a + BigInt(it.upload!.cost?.total ?? 0) + (gasFee ?? 0n), 0n);

  const submit = async () => {
    if (!who || ready.length === 0 || busy) return;
    const sending = ready.map((it) => it.key);
    setPhase({ step: 'signing', signed: 0, total: sending.length });
    try {
      // Consecutive nonces from the account's next: the typed data of all are asked before any is pending.
      const nonce = BigInt((await gql<{ account: { nextNonce: string } }>(BALANCE, { address: who.address })).account.nextNonce);
      const tds: { json: string; hash: string }[] = [];
      for (const [k, it] of ready.entries())
        tds.push((await gql<{ typedData: { json: string; hash: string } }>(TYPED_CONTRIBUTE, { i: {
          from: who.address, datanet, content: it.upload!.hash, normalizedContent: it.upload!.normalizedHash,
          size: String(it.upload!.size), nonce: String(nonce + BigInt(k)) } })).typedData);
      sending.forEach((key) => update(key, { state: 'signing' }));
      const results = await signAndSubmitAll(tds, (n) => setPhase({ step: 'signing', signed: n, total: sending.length }));
      results.forEach((r, k) => update(sending[k], r.error ? { state: 'failed', error: r.error } : { state: 'pending', hash: r.hash }));
      setPhase({ step: 'following' });
      await Promise.all(results.map((r, k) => r.hash === null ? null : follow(r.hash).then(
        (o) => update(sending[k], o.succeeded === false
          ? { state: 'failed', error: new ApiError(o.errorCode ?? 'FAILED', 'The transaction committed but failed.') } : { state: 'committed' }),
        (e) => update(sending[k], { state: 'failed', error: asApiError(e) }))));
      setPhase({ step: 'done' });
      onCommitted();
    } catch (e) {
      // Nothing was sent (a wallet's "no", a refused typed data): the files stay ready to sign again.
      sending.forEach((key) => update(key, { state: 'ready' }));
      setPhase({ step: 'refused', error: asApiError(e) });
    }
  };

  const onDrop = (e: DragEvent) => { e.preventDefault(); setOver(false); add([...(e.dataTransfer?.files ?? [])]); };
  return (
    <section aria-labelledby="contribute-files-title" class="contribute-files">
      <h2 id="contribute-files-title">Contribute files</h2>
      <p class="muted">{FORMAT[taskKind] ?? 'Each file is one example.'} The node checks each file and shows its cost before anything is signed.</p>
      <div class={`dropzone${over ? ' over' : ''}`} data-testid="file-drop"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <label for="contribute-files">Choose files, or drop them here</label>
        <input id="contribute-files" type="file" multiple disabled={busy}
          onChange={(e) => { const input = e.target as HTMLInputElement; add([...(input.files ?? [])]); input.value = ''; }} />
      </div>
      {items.length > 0 && (
        <table class="list" data-testid="file-items" aria-label="Files">
          <thead><tr><th scope="col">File</th><th scope="col">Bytes</th><th scope="col">Fee</th><th scope="col">Stake</th>
            <th scope="col">Near duplicates</th><th scope="col">Status</th></tr></thead>
          <tbody>{items.map((it) => (
            <tr key={it.key} data-file={it.name} data-state={it.state}>
              <td>{it.name}</td><td>{it.upload?.size ?? it.bytes}</td>
              <td data-wei={it.upload?.cost?.fee}>{it.upload ? formatOpen(it.upload.cost?.fee, 18) : '—'}</td>
              <td data-wei={it.upload?.cost?.stake}>{it.upload ? formatOpen(it.upload.cost?.stake, 18) : '—'}</td>
              <td>{!it.upload || it.upload.nearDuplicates.length === 0 ? '—' : it.upload.nearDuplicates.map((n) =>
                <span key={n.contributionId} class="flag" title={n.contributionId}>near duplicate of {short(n.contributionId, 4)} ({Math.round(n.similarity * 100)}%) </span>)}</td>
              <td>{it.error
                ? <><code class="code" data-error-code={it.error.code}>{it.error.code}</code> {sentenceFor(it.error.code, it.error.message)}
                  {sentenceFor(it.error.code, it.error.message) !== it.error.message && <span class="muted"> {it.error.message}</span>}</>
                : <>{{ uploading: 'checking…', ready: 'ready to sign', signing: 'signing…', pending: 'pending', committed: 'committed', refused: 'refused', failed: 'failed' }[it.state]}
                  {it.hash && <> (<TxLink hash={it.hash} />)</>}</>}</td>
            </tr>))}</tbody>
        </table>)}
      {items.length > 0 && (
        <div class="form">
          <p data-testid="files-plan">{ready.length === 0 ? (phase.step === 'done' ? 'Done.' : 'No file is ready to sign.')
            : `${ready.length} file${ready.length === 1 ? '' : 's'} ready: ${ready.length} signature${ready.length === 1 ? '' : 's'}, sent in one submission; `
              + `fees, stakes and gas at most ${gasFee === null ? '…' : formatOpen(total, 18)}.`}</p>
          {!who && <p class="state empty">Connect a wallet (or, on a dev chain, pick a dev account) in the header to contribute.</p>}
          <div class="buttons">
            {phase.step !== 'done' && <button type="button" onClick={submit} disabled={!who || ready.length === 0 || busy || items.some((it) => it.state === 'uploading')}>
              {phase.step === 'signing' ? `Signing ${Math.min(phase.signed + 1, phase.total)} of ${phase.total}…` : phase.step === 'following' ? 'Waiting for the commit…'
                : `Sign and contribute ${ready.length} file${ready.length === 1 ? '' : 's'}`}</button>}
            <button type="button" class="secondary" disabled={busy} onClick={() => { setItems([]); setPhase({ step: 'choose' }); }}>
              {phase.step === 'done' ? 'Clear the list' : 'Clear'}</button>
          </div>
        </div>)}
      <div aria-live="polite">
        {phase.step === 'done' && <p class="state ok" data-testid="files-done">{items.filter((it) => it.state === 'committed').length} of {items.length} files contributed.</p>}
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The files were not contributed" />}
      </div>
    </section>
  );
}
