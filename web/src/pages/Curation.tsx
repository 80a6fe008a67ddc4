// A datanet's curation queue: its pending contributions, the next deadline first, with their text, near duplicates,
// training flags and deadline. Everyone sees the queue; only its owner and curators (the signer in use) get the
// decisions: choose approve or reject on several rows, give the reasons, and the wallet signs one Curate intent per
// row (consecutive nonces), all sent in one sendTransactions call as the CLI does; each is followed to its commit and
// its outcome shown (a committed curation can still fail, e.g. AlreadyCurated when another curator decided first).
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { BALANCE, TYPED_CURATE } from '../api/documents';
import { CURATION_QUEUE_PAGE } from '../api/datanetWrite';
import { useSignal } from '../api/signal';
import { signer } from '../wallet/wallet';
import { signAndSubmitAll } from '../wallet/submit';
import { follow } from '../wallet/follow';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, TxLink } from '../ui/links';
import { sentenceFor } from '../ui/errors';
import { short } from '../ui/format';
import { excerpt } from './excerpt';

interface Pending {
  id: string; contributor: string; size: number; text: string | null; createdHeight: number; deadlineHeight: number; expiresAt: string | null;
  nearDuplicates: { contributionId: string; similarity: number }[]; flags: { reason: string; score: number }[];
}
interface Queue { datanet: { id: string; pendingCount: number; curationQueue: { nodes: Pending[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null }

type Decision = 'keep' | 'approve' | 'reject';
/** One decision sent: its transaction, where it is, and how it ended. */
interface Sent { id: string; approve: boolean; hash: string | null; status: string; error: ApiError | null }
type Phase = { step: 'choose' } | { step: 'signing'; signed: number; total: number } | { step: 'following' } | { step: 'done' }
  | { step: 'refused'; error: unknown };

/** Whether an address may curate a datanet (its owner or one of its curators), as the core's Datanet.MayCurate. */
export const mayCurate = (address: string | undefined, owner: string, curators: string[]) =>
  !!address && [owner, ...curators].some((a) => a.toLowerCase() === address.toLowerCase());

// The deadline is a future block: named, not linked (its page does not exist yet).
const deadline = (c: Pending) => <>block {c.deadlineHeight.toLocaleString('en-US')}
  {c.expiresAt && <span class="muted"> (about {c.expiresAt.slice(0, 16).replace('T', ' ')} UTC)</span>}</>;

export function Curation({ datanet, owner, curators, pendingCount, onChanged }:
  { datanet: string; owner: string; curators: string[]; pendingCount: number; onChanged: () => void }) {
  const who = useSignal(signer);
  // 10 rows a page: the cursors of the pages before this one (null: the first page). Read again whenever the
  // datanet's pending count changes (a contribution, a decision), from the first page: decided rows leave the queue.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => setCursors([null]), [pendingCount]);
  const after = cursors[cursors.length - 1];
  const q = useQuery<Queue>(CURATION_QUEUE_PAGE, { id: datanet, after }, `queue:${datanet}:${pendingCount}:${after}`);
  // Rows seen on any page, so decisions chosen on several pages are signed together.
  const seen = useRef<Record<string, Pending>>({});
  const [decisions, setDecisions] = useState<Record<string, Decision>>({});
  const [approveReason, setApproveReason] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [sent, setSent] = useState<Sent[]>([]);
  const curator = mayCurate(who?.address, owner, curators);

  if (q.error) return <section aria-labelledby="queue-title"><h2 id="queue-title">Curation queue</h2><ErrorBox error={q.error} title="The queue could not be read" /></section>;
  if (!q.data) return <section aria-labelledby="queue-title"><h2 id="queue-title">Curation queue</h2><Loading what="the curation queue" /></section>;
  const queue = q.data.datanet?.curationQueue;
  const rows = queue?.nodes ?? [];
  for (const c of rows) seen.current[c.id] = c;
  const chosen = Object.values(seen.current).filter((c) => (decisions[c.id] ?? 'keep') !== 'keep');
  const first = (cursors.length - 1) * 10;
  const approvals = chosen.filter((c) => decisions[c.id] === 'approve').length;
  const rejections = chosen.length - approvals;
  const busy = phase.step === 'signing' || phase.step === 'following';
  const missingReason = rejections > 0 && !rejectReason.trim();
  const decideAll = (d: Decision) => setDecisions({ ...decisions, ...Object.fromEntries(rows.map((c) => [c.id, d])) });
  const update = (id: string, change: Partial<Sent>) => setSent((all) => all.map((s) => s.id === id ? { ...s, ...change } : s));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!who || chosen.length === 0 || missingReason || busy) return;
    const items = chosen.map((c) => ({ id: c.id, approve: decisions[c.id] === 'approve' }));
    setSent([]);
    setPhase({ step: 'signing', signed: 0, total: items.length });
    try {
      // One nonce for each, consecutive from the account's next (counting its pending transactions): the typed data
      // of all are asked before any is pending, so the node's default would give them all the same nonce.
      const next = BigInt((await gql<{ account: { nextNonce: string } }>(BALANCE, { address: who.address })).account.nextNonce);
      const tds: { json: string; hash: string }[] = [];
      for (const [k, it] of items.entries())
        tds.push((await gql<{ typedData: { json: string; hash: string } }>(TYPED_CURATE, { i: {
          from: who.address, contribution: it.id, approve: it.approve, reason: it.approve ? approveReason.trim() : rejectReason.trim(),
          nonce: String(next + BigInt(k)) } })).typedData);
      const results = await signAndSubmitAll(tds, (n) => setPhase({ step: 'signing', signed: n, total: items.length }));
      const state: Sent[] = items.map((it, k) => ({ ...it, hash: results[k].hash, status: results[k].error ? 'REFUSED' : 'PENDING', error: results[k].error }));
      setSent(state);
      setPhase({ step: 'following' });
      await Promise.all(state.filter((s) => s.hash).map((s) => follow(s.hash!, (o) => update(s.id, { status: o.status })).then(
        (o) => update(s.id, { status: o.status, error: o.succeeded === false ? new ApiError(o.errorCode ?? 'FAILED', 'The transaction committed but failed.') : null }),
        (error) => update(s.id, { error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) }))));
      setDecisions({});
      seen.current = {};
      setPhase({ step: 'done' });
      q.refresh();
      onChanged();
    } catch (error) {
      setPhase({ step: 'refused', error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) });
    }
  };

  return (
    <section aria-labelledby="queue-title" class="curation">
      <h2 id="queue-title">Curation queue</h2>
      <p class="muted" data-testid="queue-summary">{rows.length === 0 ? `${q.data.datanet?.pendingCount ?? 0} pending.` : `${q.data.datanet?.pendingCount ?? 0} pending, the next deadline first.`} {rows.length === 0 ? '' : curator
        ? 'Choose a decision on each contribution to curate, then sign them all at once.'
        : who ? 'Only the owner and the curators decide; the account in use is neither.' : 'Only the owner and the curators decide: connect a wallet to curate.'}</p>
      {rows.length === 0 ? <Empty>Nothing is waiting for curation.</Empty> : (
        <table class="list" data-testid="curation-queue">
          <thead><tr>{curator && <th scope="col">Decision</th>}<th scope="col">Contribution</th><th scope="col">Text</th><th scope="col">Contributor</th>
            <th scope="col">Bytes</th><th scope="col">Near duplicates and flags</th><th scope="col">Deadline</th></tr></thead>
          <tbody>{rows.map((c) => (
            <tr key={c.id} data-id={c.id} data-decision={decisions[c.id] ?? 'keep'}>
              {curator && <td><select aria-label={`Decision for ${short(c.id)}`} data-testid="curation-decision" disabled={busy}
                value={decisions[c.id] ?? 'keep'} onChange={(e) => setDecisions({ ...decisions, [c.id]: (e.target as HTMLSelectElement).value as Decision })}>
                <option value="keep">Leave pending</option><option value="approve">Approve</option><option value="reject">Reject</option></select></td>}
              <td class="mono" title={c.id}>{short(c.id)}</td><td>{excerpt(c.text)}</td>
              <td><AccountLink address={c.contributor} /></td><td>{c.size}</td>
              <td>{c.nearDuplicates.length === 0 && c.flags.length === 0 ? '—' : <>
                {c.nearDuplicates.map((n) => <span key={n.contributionId} class="flag" data-testid="queue-near-duplicate" title={n.contributionId}>
                  near duplicate of {short(n.contributionId, 4)} ({Math.round(n.similarity * 100)}%){' '}</span>)}
                {c.flags.map((f, i) => <span key={i} class="flag">flagged in training: {f.reason}{' '}</span>)}</>}</td>
              <td>{deadline(c)}</td>
            </tr>))}</tbody>
        </table>)}
      {(cursors.length > 1 || queue?.pageInfo.hasNextPage) && (
        <nav class="pager" aria-label="Pages of the curation queue" data-testid="queue-pager">
          <span class="muted" data-testid="queue-range">{rows.length === 0 ? 'No rows on this page' : `Rows ${first + 1} to ${first + rows.length}`} of {q.data.datanet?.pendingCount ?? 0}</span>
          {cursors.length > 1 && <button type="button" class="secondary" disabled={busy} onClick={() => setCursors(cursors.slice(0, -1))}>Previous 10</button>}
          {queue?.pageInfo.hasNextPage && queue.pageInfo.endCursor && <button type="button" class="secondary" disabled={busy}
            onClick={() => setCursors([...cursors, queue.pageInfo.endCursor])}>Next 10</button>}
        </nav>)}
      {curator && rows.length > 0 && (
        <form class="form" onSubmit={submit} data-testid="curation-actions" noValidate>
          <div class="buttons">
            <button type="button" class="secondary" disabled={busy} onClick={() => decideAll('approve')}>Approve all on this page</button>
            <button type="button" class="secondary" disabled={busy} onClick={() => decideAll('reject')}>Reject all on this page</button>
            <button type="button" class="secondary" disabled={busy} onClick={() => setDecisions({})}>Clear</button>
          </div>
          <label for="approve-reason">Reason for the approvals (optional)</label>
          <input id="approve-reason" maxLength={256} value={approveReason} disabled={busy} onInput={(e) => setApproveReason((e.target as HTMLInputElement).value)} />
          <label for="reject-reason">Reason for the rejections{rejections > 0 ? ' (required)' : ''}</label>
          <input id="reject-reason" maxLength={256} value={rejectReason} disabled={busy} aria-describedby="reject-reason-error"
            onInput={(e) => setRejectReason((e.target as HTMLInputElement).value)} />
          <p id="reject-reason-error" class="field-error">{missingReason ? 'Say why: the contributor loses the stake.' : ''}</p>
          <p data-testid="curation-plan">{chosen.length === 0 ? 'No decision chosen.'
            : `${approvals} to approve, ${rejections} to reject: ${chosen.length} signature${chosen.length === 1 ? '' : 's'}, sent in one submission.`}</p>
          <button type="submit" disabled={!who || chosen.length === 0 || missingReason || busy}>
            {phase.step === 'signing' ? `Signing ${Math.min(phase.signed + 1, phase.total)} of ${phase.total}…` : phase.step === 'following' ? 'Waiting for the commit…'
              : chosen.length === 0 ? 'Sign and submit the decisions' : `Sign and submit ${chosen.length} decision${chosen.length === 1 ? '' : 's'}`}</button>
        </form>)}
      <div aria-live="polite">
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The decisions were not sent" />}
        {sent.length > 0 && (
          <ul class="outcomes" data-testid="curation-results" data-done={phase.step === 'done' ? 'true' : 'false'}>
            {sent.map((s) => {
              const outcome = s.error ? 'failed' : s.status === 'COMMITTED' ? (s.approve ? 'approved' : 'rejected') : 'pending';
              return (
                <li key={s.id} data-id={s.id} data-outcome={outcome}>
                  <span class="mono" title={s.id}>{short(s.id)}</span>: {s.approve ? 'approve' : 'reject'}
                  {s.hash && <> (<TxLink hash={s.hash} />)</>}{' '}
                  {s.error ? <><code class="code" data-error-code={s.error.code}>{s.error.code}</code> {sentenceFor(s.error.code, s.error.message)}</>
                    : <strong>{outcome}</strong>}
                </li>);
            })}
          </ul>)}
      </div>
    </section>
  );
}
