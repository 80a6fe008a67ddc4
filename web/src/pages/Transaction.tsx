// One transaction: status (followed live while pending), its fields, the receipt, and its Merkle inclusion proof
// recomputed here against the block header's transactionsRoot.
import { Fragment } from 'preact';
import { useEffect } from 'preact/hooks';
import { subscribe } from '../api/graphql';
import { TRANSACTION, TRANSACTION_SUB } from '../api/documents';
import { merkleRoot, type ProofStep } from '../crypto/merkle';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink } from '../ui/links';
import { formatOpen, isHash } from '../ui/format';
import { ApiError } from '../api/graphql';

interface TxData {
  hash: string; status: string; kind: string | null; from: string | null; to: string | null; amount: string | null;
  nonce: string | null; blockHeight: number | null; index: number | null;
  fields: { name: string; type: string; values: string[] }[] | null;
  receipt: { succeeded: boolean; errorCode: string | null; gasUsed: number; fee: string } | null;
  block: { height: number; hash: string; timestamp: string; transactionsRoot: string } | null;
  inclusionProof: { item: string; index: number; count: number; root: string; steps: ProofStep[] } | null;
}

export function Transaction({ hash }: { hash: string }) {
  const valid = isHash(hash);
  const q = useQuery<{ transaction: TxData | null }>(TRANSACTION, valid ? { hash } : null, `tx:${hash}`);
  const status = q.data?.transaction?.status;
  // While it waits, follow it: the subscription says when it commits, then the page reloads its receipt and proof.
  useEffect(() => {
    if (!status || status === 'COMMITTED') return;
    return subscribe<{ transaction: { status: string } }>(TRANSACTION_SUB, { hash }, (d) => {
      if (d.transaction.status !== status) q.refresh();
    });
  }, [hash, status]);

  if (!valid) return <ErrorBox error={new ApiError('INVALID_HASH', `"${hash}" is not a transaction hash (0x and 64 hexadecimal digits).`)} title="No such transaction" />;
  if (q.error) return <ErrorBox error={q.error} title="The transaction could not be read" />;
  if (!q.data) return <Loading what="the transaction" />;
  const t = q.data.transaction;
  if (!t) return (
    <section data-ready="tx-missing"><h1>Transaction</h1>
      <Empty>This node knows no transaction <span class="mono">{hash}</span> (not committed, not pending).</Empty></section>);
  return (
    <section aria-labelledby="tx-title" data-ready="tx">
      <h1 id="tx-title">Transaction</h1>
      <p class="mono wrap">{t.hash}</p>
      <dl class="fields">
        <dt>Status</dt><dd data-testid="tx-status">{t.status.toLowerCase()}{t.status !== 'COMMITTED' && <span class="muted"> (following live)</span>}</dd>
        <dt>Kind</dt><dd>{t.kind ?? '—'}</dd>
        <dt>From</dt><dd><AccountLink address={t.from} full /></dd>
        {t.to && <><dt>To</dt><dd><AccountLink address={t.to} full /></dd></>}
        {t.amount && <><dt>Amount</dt><dd>{formatOpen(t.amount, 18)} <span class="muted">({t.amount} wei)</span></dd></>}
        <dt>Nonce</dt><dd>{t.nonce ?? '—'}</dd>
        <dt>Block</dt><dd><BlockLink height={t.blockHeight} />{t.index !== null && ` (position ${t.index})`}</dd>
        {t.block && <><dt>Sealed</dt><dd>{t.block.timestamp}</dd></>}
      </dl>
      {t.fields && t.fields.length > 0 && <>
        <h2>Fields</h2>
        <dl class="fields">{t.fields.map((f) => <Fragment key={f.name}><dt>{f.name} <span class="muted">{f.type}</span></dt><dd class="mono wrap">{f.values.join(', ')}</dd></Fragment>)}</dl>
      </>}
      <h2>Receipt</h2>
      {t.receipt ? (
        <dl class="fields" data-testid="receipt">
          <dt>Result</dt><dd>{t.receipt.succeeded ? 'succeeded' : <>failed: <code class="code">{t.receipt.errorCode}</code> (the fee was still paid)</>}</dd>
          <dt>Gas used</dt><dd>{t.receipt.gasUsed.toLocaleString('en-US')}</dd>
          <dt>Fee</dt><dd>{formatOpen(t.receipt.fee, 18)}</dd>
        </dl>) : <Empty>No receipt until it is committed.</Empty>}
      <h2>Inclusion proof</h2>
      <Proof tx={t} />
    </section>
  );
}

function Proof({ tx }: { tx: TxData }) {
  const p = tx.inclusionProof;
  if (!p || !tx.block) return <Empty>A proof exists once the transaction is in a block.</Empty>;
  const computed = merkleRoot(p.item, p.steps);
  const ok = computed.toLowerCase() === tx.block.transactionsRoot.toLowerCase() && p.item.toLowerCase() === tx.hash.toLowerCase();
  return (
    <div class={ok ? 'proof ok' : 'proof bad'}>
      <p data-testid="proof-result" role="status"><strong>{ok ? 'Verified in your browser' : 'NOT verified'}</strong>:
        {ok ? ` hashing this transaction with the ${p.steps.length} sibling hashes below gives block #${tx.block.height}'s transactions root.`
            : ` the proof leads to ${computed}, not to block #${tx.block.height}'s transactions root.`}</p>
      <dl class="fields">
        <dt>Leaf</dt><dd>{p.index + 1} of {p.count}</dd>
        <dt>Computed root</dt><dd class="mono">{computed}</dd>
        <dt>Block's root</dt><dd class="mono">{tx.block.transactionsRoot}</dd>
      </dl>
      {p.steps.length > 0 && (
        <ol class="steps">{p.steps.map((s, i) => <li key={i} class="mono">{s.siblingOnLeft ? 'sibling on the left: ' : 'sibling on the right: '}{s.sibling}</li>)}</ol>)}
    </div>
  );
}
