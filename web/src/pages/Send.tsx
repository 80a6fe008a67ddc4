// Send OPEN: the node builds the EIP-712 typed data, the wallet signs it, the node checks and queues it, and the page
// follows it to committed. The fee is shown before signing; a refusal shows the API's code and a sentence.
import { useEffect, useState } from 'preact/hooks';
import { gql, subscribe, ApiError } from '../api/graphql';
import { BALANCE, TYPED_TRANSFER, TRANSACTION_SUB } from '../api/documents';
import { useSignal } from '../api/signal';
import { chain } from '../api/chain';
import { signer } from '../wallet/wallet';
import { signAndSubmit } from '../wallet/submit';
import { formatOpen, isAddress, parseOpen } from '../ui/format';
import { ErrorBox } from '../ui/states';
import { TxLink, BlockLink } from '../ui/links';

type Phase =
  | { step: 'edit' }
  | { step: 'signing' }
  | { step: 'sent'; hash: string; status: string; blockHeight: number | null }
  | { step: 'refused'; error: ApiError };

export function Send({ to: initialTo }: { to?: string }) {
  const who = useSignal(signer);
  const info = useSignal(chain);
  const [to, setTo] = useState(initialTo ?? '');
  const [amount, setAmount] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'edit' });
  const [balance, setBalance] = useState<string | null>(null);

  useEffect(() => {
    setBalance(null);
    if (!who) return;
    gql<{ account: { balance: string } }>(BALANCE, { address: who.address }).then((d) => setBalance(d.account.balance), () => {});
  }, [who?.address, phase.step]);

  const gas = BigInt(info?.gasSchedule.find((g) => g.kind === 'Transfer')?.gas ?? 0);
  const fee = info ? gas * BigInt(info.gasPriceFloor) : null;
  const wei = parseOpen(amount);
  const toError = to && !isAddress(to) ? 'Not an address: 0x followed by 40 hexadecimal digits.' : null;
  const amountError = amount && wei === null ? 'An amount in OPEN, e.g. 12.5 (at most 18 decimals).' : null;
  const ready = !!who && isAddress(to) && wei !== null && wei > 0n && phase.step !== 'signing';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!ready || !who) return;
    setPhase({ step: 'signing' });
    try {
      const td = (await gql<{ typedData: { json: string; hash: string } }>(TYPED_TRANSFER,
        { t: { from: who.address, to, amount: wei!.toString() } })).typedData;
      const hash = await signAndSubmit(td);
      setPhase({ step: 'sent', hash, status: 'PENDING', blockHeight: null });
      const stop = subscribe<{ transaction: { status: string; blockHeight: number | null } }>(TRANSACTION_SUB, { hash },
        (d) => setPhase({ step: 'sent', hash, status: d.transaction.status, blockHeight: d.transaction.blockHeight }));
      // The subscription completes itself once committed; nothing else needs it after that.
      setTimeout(stop, 120_000);
    } catch (err) {
      setPhase({ step: 'refused', error: err instanceof ApiError ? err : new ApiError('ERROR', String(err)) });
    }
  };

  return (
    <section aria-labelledby="send-title" data-ready="send">
      <h1 id="send-title">Send OPEN</h1>
      {!who && <p class="state empty" role="status">Connect a wallet (or, on a dev chain, pick a dev account) in the header to send.</p>}
      <form onSubmit={submit} class="form" noValidate>
        <p>From: <span class="mono" data-testid="send-from">{who?.address ?? '—'}</span>
          {balance !== null && <span class="muted"> (balance {formatOpen(balance)})</span>}</p>
        <label for="send-to">To</label>
        <input id="send-to" name="to" class="mono" value={to} placeholder="0x…" autocomplete="off" spellcheck={false}
          aria-invalid={!!toError} aria-describedby="send-to-error" onInput={(e) => setTo((e.target as HTMLInputElement).value.trim())} />
        <p id="send-to-error" class="field-error" aria-live="polite">{toError ?? ''}</p>
        <label for="send-amount">Amount (OPEN)</label>
        <input id="send-amount" name="amount" inputMode="decimal" value={amount} placeholder="12.5" autocomplete="off"
          aria-invalid={!!amountError} aria-describedby="send-amount-error" onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
        <p id="send-amount-error" class="field-error" aria-live="polite">{amountError ?? ''}</p>
        <dl class="fields" aria-label="Cost">
          <dt>Fee (at most)</dt><dd data-testid="send-fee">{fee !== null ? `${formatOpen(fee, 18)} (${gas} gas × ${info!.gasPriceFloor} wei)` : '…'}</dd>
          <dt>Total</dt><dd>{fee !== null && wei !== null ? formatOpen(wei + fee, 18) : '—'}</dd>
        </dl>
        <button type="submit" disabled={!ready}>{phase.step === 'signing' ? 'Waiting for the wallet…' : 'Sign and send'}</button>
      </form>
      <div aria-live="polite">
        {phase.step === 'sent' && (
          <div class="state ok" data-testid="send-result">
            <p>Sent <TxLink hash={phase.hash} full />: <strong data-testid="send-status">{phase.status.toLowerCase()}</strong>
              {phase.blockHeight !== null && <> in block <BlockLink height={phase.blockHeight} /></>}.</p>
          </div>)}
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The transfer was not sent" />}
      </div>
    </section>
  );
}
