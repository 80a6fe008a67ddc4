// An account: balance and nonces, pending transactions, its transactions, and what settlements paid it (by role,
// datanet and model, and cumulatively over time). It refreshes when the account's activity subscription fires.
import { useEffect } from 'preact/hooks';
import { subscribe, ApiError } from '../api/graphql';
import { ACCOUNT, ACCOUNT_SUB, REWARDS_SUB } from '../api/documents';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { TxLink, DatanetLink } from '../ui/links';
import { Chart } from '../ui/Chart';
import { addCredits, chartOpen, pushAfter, type Series } from '../ui/cumulative';
import { formatOpen, isAddress, short } from '../ui/format';
import { href } from '../ui/router';
import { TxTable, type TxRow } from './TxTable';

interface Total { scope: string; amount: string; count: number; datanet?: { id: string; name: string } | null; model?: { id: string; name: string } | null }
interface AccountData {
  address: string; balance: string; nonce: string; nextNonce: string; pendingCount: number; pendingTransactions: string[];
  transactions: { nodes: TxRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  rewards: { total: string; count: number; asOfHeight: number; byRole: Total[]; byDatanet: Total[]; byModel: Total[] };
  rewardHistory: { nodes: { height: number; amount: string | null; detail: string | null; timestamp: string }[] };
}

export function Account({ address }: { address: string }) {
  const valid = isAddress(address);
  const q = useQuery<{ account: AccountData }>(ACCOUNT, valid ? { address } : null, `account:${address}`);
  useEffect(() => {
    if (!valid) return;
    // Its own transactions, and the settlements that credit it (they are other accounts' transactions).
    const stops = [subscribe(ACCOUNT_SUB, { address }, () => q.refresh()), subscribe(REWARDS_SUB, { address }, () => q.refresh())];
    return () => stops.forEach((stop) => stop());
  }, [address]);

  if (!valid) return <ErrorBox error={new ApiError('INVALID_ADDRESS', `"${address}" is not an address.`)} title="No such account" />;
  if (q.error) return <ErrorBox error={q.error} title="The account could not be read" />;
  if (!q.data) return <Loading what="the account" />;
  const a = q.data.account;
  return (
    <section aria-labelledby="account-title" data-ready="account">
      <h1 id="account-title">Account</h1>
      <p class="mono wrap" data-testid="account-address">{a.address}</p>
      <dl class="stats">
        <div><dt>Balance</dt><dd data-testid="account-balance">{formatOpen(a.balance)}</dd></div>
        <div><dt>Nonce (committed)</dt><dd>{a.nonce}</dd></div>
        <div><dt>Next nonce</dt><dd>{a.nextNonce}</dd></div>
        <div><dt>Pending</dt><dd>{a.pendingCount}</dd></div>
      </dl>
      <p><a href={href.send(a.address)}>Send OPEN to this account</a> · <a href={href.rewards(a.address)}>Rewards feed (live)</a></p>
      <h2>Pending transactions</h2>
      {a.pendingTransactions.length === 0 ? <Empty>None pending.</Empty>
        : <ul>{a.pendingTransactions.map((h) => <li key={h}><TxLink hash={h} full /></li>)}</ul>}
      <h2>Transactions</h2>
      {a.transactions.nodes.length === 0 ? <Empty>No committed transactions.</Empty>
        : <TxTable rows={a.transactions.nodes} label={`Transactions of ${a.address}`} />}
      {a.transactions.pageInfo.hasNextPage && <p class="muted">The latest 25 transactions.</p>}
      <Rewards data={a} />
    </section>
  );
}

/** A reward total's scope as people know it: a role, a datanet by name (linked), a model by name (no model page yet). */
function scopeName(t: Total) {
  if (t.datanet) return <DatanetLink id={t.datanet.id} name={t.datanet.name} />;
  if (t.model) return <span>{t.model.name} <span class="mono muted">{short(t.model.id, 4)}</span></span>;
  return <span class={/^0x/.test(t.scope) ? 'mono' : undefined}>{/^0x/.test(t.scope) ? short(t.scope) : t.scope}</span>;
}

function Rewards({ data }: { data: AccountData }) {
  const r = data.rewards;
  if (r.count === 0) return <><h2>Rewards</h2><Empty>No settlement has paid this account yet.</Empty></>;
  // Cumulative OPEN earned, oldest first, from the latest 100 reward credits; older credits (beyond the page) are the
  // line's starting level, so its end is the account's total.
  const credits = [...data.rewardHistory.nodes].reverse().map((c) => ({ at: Date.parse(c.timestamp) / 1000, amount: BigInt(c.amount ?? '0') }));
  let start = BigInt(r.total) - credits.reduce((n, c) => n + c.amount, 0n);
  if (start < 0n) start = 0n; // the summary and the page are two reads; a credit between them must not dip below zero
  const series: Series = { xs: [], ys: [] };
  if (credits.length) pushAfter(series, credits[0].at - 1, chartOpen(start));
  addCredits(series, start, credits);
  const { xs, ys } = series;
  const table = (title: string, rows: Total[]) => (
    <table class="list" aria-label={title}>
      <thead><tr><th scope="col">{title}</th><th scope="col">Earned</th><th scope="col">Credits</th></tr></thead>
      <tbody>{rows.map((t) => <tr key={t.scope}><td title={t.scope}>{scopeName(t)}</td>
        <td>{formatOpen(t.amount)}</td><td>{t.count}</td></tr>)}</tbody>
    </table>);
  return (
    <>
      <h2>Rewards</h2>
      <p>{formatOpen(r.total)} from {r.count} {r.count === 1 ? 'credit' : 'credits'} (as of block #{r.asOfHeight}).</p>
      {xs.length > 1 && <Chart steps label="Cumulative rewards" unit="OPEN" xs={xs} ys={ys} />}
      <div class="columns">
        {table('Role', r.byRole)}
        {r.byDatanet.length > 0 && table('Datanet', r.byDatanet)}
        {r.byModel.length > 0 && table('Model', r.byModel)}
      </div>
    </>
  );
}
