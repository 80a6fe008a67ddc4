// Contribute text to a datanet: the node stores it and says what it costs (the datanet's fee and stake, by the core's
// own rule, plus gas) and which contributions it nearly duplicates, all BEFORE anything is signed; then the wallet
// signs the Contribute intent and the page follows the transaction to committed.
import { useState } from 'preact/hooks';
import { gql, subscribe, ApiError } from '../api/graphql';
import { TRANSACTION_SUB, TYPED_CONTRIBUTE, UPLOAD_FOR } from '../api/documents';
import { useSignal } from '../api/signal';
import { chain } from '../api/chain';
import { signer } from '../wallet/wallet';
import { signAndSubmit } from '../wallet/submit';
import { formatOpen, short } from '../ui/format';
import { ErrorBox } from '../ui/states';
import { TxLink, BlockLink } from '../ui/links';

interface Upload { hash: string; normalizedHash: string; size: number; cost: { fee: string; stake: string; total: string } | null;
  nearDuplicates: { contributionId: string; similarity: number }[] }
type Phase =
  | { step: 'edit' } | { step: 'checking' } | { step: 'review'; upload: Upload } | { step: 'signing'; upload: Upload }
  | { step: 'sent'; hash: string; status: string; blockHeight: number | null } | { step: 'refused'; error: unknown };

export function Contribute({ datanet, onCommitted }: { datanet: string; onCommitted: () => void }) {
  const who = useSignal(signer);
  const info = useSignal(chain);
  const [text, setText] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'edit' });
  const gas = BigInt(info?.gasSchedule.find((g) => g.kind === 'Contribute')?.gas ?? 0);
  const gasFee = info ? gas * BigInt(info.gasPriceFloor) : null;

  const review = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setPhase({ step: 'checking' });
    try {
      const upload = (await gql<{ uploadContent: Upload }>(UPLOAD_FOR, { text, datanet })).uploadContent;
      setPhase({ step: 'review', upload });
    } catch (error) { setPhase({ step: 'refused', error }); }
  };

  const sign = async () => {
    if (phase.step !== 'review' || !who) return;
    const upload = phase.upload;
    setPhase({ step: 'signing', upload });
    try {
      const td = (await gql<{ typedData: { json: string; hash: string } }>(TYPED_CONTRIBUTE, { i: {
        from: who.address, datanet, content: upload.hash, normalizedContent: upload.normalizedHash, size: String(upload.size) } })).typedData;
      const hash = await signAndSubmit(td);
      setPhase({ step: 'sent', hash, status: 'PENDING', blockHeight: null });
      const stop = subscribe<{ transaction: { status: string; blockHeight: number | null } }>(TRANSACTION_SUB, { hash }, (d) => {
        setPhase({ step: 'sent', hash, status: d.transaction.status, blockHeight: d.transaction.blockHeight });
        if (d.transaction.status === 'COMMITTED') { stop(); onCommitted(); }
      });
      setTimeout(stop, 120_000);
    } catch (error) { setPhase({ step: 'refused', error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) }); }
  };

  const upload = phase.step === 'review' || phase.step === 'signing' ? phase.upload : null;
  return (
    <section aria-labelledby="contribute-title" class="contribute">
      <h2 id="contribute-title">Contribute</h2>
      {!who && <p class="state empty">Connect a wallet (or, on a dev chain, pick a dev account) in the header to contribute.</p>}
      <form onSubmit={review} class="form" noValidate>
        <label for="contribute-text">Text</label>
        <textarea id="contribute-text" rows={4} value={text} onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); setPhase({ step: 'edit' }); }} />
        <button type="submit" disabled={!text.trim() || phase.step === 'checking'}>See the cost</button>
      </form>
      <div aria-live="polite">
        {upload && (
          <div data-testid="contribute-review">
            <dl class="fields" aria-label="Contribution cost">
              <dt>Size</dt><dd>{upload.size} bytes</dd>
              <dt>Fee (to the owner)</dt><dd data-testid="contribute-fee" data-wei={upload.cost?.fee}>{formatOpen(upload.cost?.fee, 18)}</dd>
              <dt>Stake (returned if approved)</dt><dd data-testid="contribute-stake" data-wei={upload.cost?.stake}>{formatOpen(upload.cost?.stake, 18)}</dd>
              <dt>Gas (at most)</dt><dd>{gasFee !== null ? formatOpen(gasFee, 18) : '…'}</dd>
              <dt>Total</dt><dd data-testid="contribute-total">{upload.cost && gasFee !== null ? formatOpen(BigInt(upload.cost.total) + gasFee, 18) : '—'}</dd>
            </dl>
            {upload.nearDuplicates.length > 0 && <p class="warning" data-testid="contribute-near">Nearly duplicates {upload.nearDuplicates.map((n) =>
              `${short(n.contributionId, 4)} (${Math.round(n.similarity * 100)}%)`).join(', ')}: curators may reject it.</p>}
            <button type="button" onClick={sign} disabled={!who || phase.step === 'signing'}>
              {phase.step === 'signing' ? 'Waiting for the wallet…' : 'Sign and contribute'}</button>
          </div>)}
        {phase.step === 'sent' && (
          <div class="state ok" data-testid="contribute-result">
            <p>Contributed <TxLink hash={phase.hash} full />: <strong data-testid="contribute-status">{phase.status.toLowerCase()}</strong>
              {phase.blockHeight !== null && <> in block <BlockLink height={phase.blockHeight} /></>}.</p>
          </div>)}
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The contribution was not sent" />}
      </div>
    </section>
  );
}
