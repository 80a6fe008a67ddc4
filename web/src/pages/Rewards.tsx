// A contributor's rewards, live (#/rewards/<address>): the `rewards(address)` subscription as a feed of credits (amount,
// role, datanet, model, inference, block), a cumulative chart that starts from the node's own series
// (Account.rewardSeries, exact as of one height) and grows with each credit, and the totals by role. The subscription
// starts at the height after the series' own, so a credit that commits between the two reads is replayed, not lost,
// and credits already counted are skipped by their (height, sequence). The feed holds the latest page of credits plus
// the live ones; "Older credits" pages back through rewardHistory from the first read's cursor, skipping any credit
// already shown (a live credit is never older than the first read, but the check costs nothing).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { gql, subscribe, ApiError } from '../api/graphql';
import { REWARD_FEED, REWARD_CREDITS_SUB } from '../api/infer';
import { OLDER_CREDITS, creditsPerPage } from '../api/rewards';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink, DatanetLink } from '../ui/links';
import { Chart } from '../ui/Chart';
import { addCredits, chartOpen, pushAfter, type Series } from '../ui/cumulative';
import { href } from '../ui/router';
import { formatOpen, isAddress, short } from '../ui/format';

interface Credit { height: number; sequence: number; amount: string | null; detail: string | null; datanet: string | null; model: string | null;
  contribution: string | null; inference: string | null; timestamp: string }
interface FeedData {
  address: string;
  rewards: { total: string; count: number; asOfHeight: number; byRole: { scope: string; amount: string; count: number }[];
    byDatanet: { scope: string; datanet: { id: string; name: string } | null }[]; byModel: { scope: string; model: { id: string; name: string } | null }[] };
  rewardSeries: { total: string; asOfHeight: number; buckets: { end: string; cumulative: string }[] };
  rewardHistory: History;
}
interface History { nodes: Credit[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }

// The last hour, a bucket a minute: the series' end is the account's total, the feed continues it.
const BUCKET_SECONDS = 60, BUCKETS = 60;
const key = (c: Credit) => `${c.height}:${c.sequence}`;

export function Rewards({ address, per }: { address: string; per?: string }) {
  const valid = isAddress(address);
  const first = creditsPerPage(per);
  const q = useQuery<{ account: FeedData }>(REWARD_FEED, valid ? { address, bucketSeconds: BUCKET_SECONDS, buckets: BUCKETS, first } : null,
    `rewards:${address}:${first}`);
  const [live, setLive] = useState<Credit[]>([]);
  const [feedError, setFeedError] = useState<ApiError | null>(null);
  const a = q.data?.account;
  // Older pages, read on demand: their credits, where the next page starts, and the state of the read in flight.
  const [older, setOlder] = useState<{ nodes: Credit[]; page: History['pageInfo'] | null; loading: boolean; error: ApiError | null }>(
    { nodes: [], page: null, loading: false, error: null });
  useEffect(() => setOlder({ nodes: [], page: null, loading: false, error: null }), [a]);
  const page = older.page ?? a?.rewardHistory.pageInfo;
  const loadOlder = async () => {
    if (!page?.endCursor) return;
    setOlder((o) => ({ ...o, loading: true, error: null }));
    try {
      const h = (await gql<{ account: { rewardHistory: History } }>(OLDER_CREDITS, { address, first, after: page.endCursor })).account.rewardHistory;
      setOlder((o) => ({ nodes: [...o.nodes, ...h.nodes], page: h.pageInfo, loading: false, error: null }));
    } catch (e) {
      setOlder((o) => ({ ...o, loading: false, error: e instanceof ApiError ? e : new ApiError('NETWORK', String(e)) }));
    }
  };
  // The summary (totals) and the series (chart) are two reads, each exact as of its own height: the feed starts after
  // the lower one, and each counts only the credits after its own.
  const asOf = q.data ? Math.min(q.data.account.rewardSeries.asOfHeight, q.data.account.rewards.asOfHeight) : undefined;
  useEffect(() => {
    if (asOf === undefined) return;
    setLive([]);
    return subscribe<{ rewards: Credit }>(REWARD_CREDITS_SUB, { address, fromHeight: asOf + 1 },
      (d) => setLive((l) => l.some((c) => key(c) === key(d.rewards)) ? l : [...l, d.rewards]), setFeedError);
  }, [address, asOf]);

  // Only credits after the series' height are new: the node's totals and series already count the others.
  const after = (h: number | undefined) => live.filter((c) => h !== undefined && c.height > h)
    .sort((x, y) => x.height - y.height || x.sequence - y.sequence);
  const fresh = useMemo(() => after(a?.rewardSeries.asOfHeight), [live, a]);
  const freshForTotals = useMemo(() => after(a?.rewards.asOfHeight), [live, a]);
  const readAt = useMemo(() => Date.now() / 1000, [a]);
  const chart = useMemo(() => {
    if (!a) return { xs: [] as number[], ys: [] as number[] };
    const series: Series = { xs: [], ys: [] };
    // Each bucket's cumulative total at its end; the last bucket ends in the future, so it is drawn at the time of the
    // read, and a bucket that would end at a time already drawn adds nothing (the x values must strictly increase:
    // ui/cumulative.ts says why).
    for (const b of a.rewardSeries.buckets) {
      const end = Math.min(Date.parse(b.end) / 1000, readAt);
      if (series.xs.length && end <= series.xs[series.xs.length - 1]) continue;
      pushAfter(series, end, chartOpen(BigInt(b.cumulative)));
    }
    // Each new credit in order, at its block's time, or just after the previous point (one settlement credits several
    // in one block).
    addCredits(series, BigInt(a.rewardSeries.total), fresh.map((c) => ({ at: Date.parse(c.timestamp) / 1000, amount: BigInt(c.amount ?? '0') })));
    return series;
  }, [a, fresh, readAt]);

  if (!valid) return <ErrorBox error={new ApiError('INVALID_ADDRESS', `"${address}" is not an address.`)} title="No such account" />;
  if (q.error) return <ErrorBox error={q.error} title="The rewards could not be read" />;
  if (!a) return <Loading what="the rewards" />;

  const total = BigInt(a.rewards.total) + freshForTotals.reduce((s, c) => s + BigInt(c.amount ?? '0'), 0n);
  const count = a.rewards.count + freshForTotals.length;
  const roles = new Map(a.rewards.byRole.map((r) => [r.scope, { amount: BigInt(r.amount), count: r.count }]));
  for (const c of freshForTotals) {
    const r = roles.get(c.detail ?? '?') ?? { amount: 0n, count: 0 };
    roles.set(c.detail ?? '?', { amount: r.amount + BigInt(c.amount ?? '0'), count: r.count + 1 });
  }
  const newer = live.filter((c) => !a.rewardHistory.nodes.some((h) => key(h) === key(c)))
    .sort((x, y) => y.height - x.height || y.sequence - x.sequence);
  const seen = new Set(newer.map(key));
  // Names of what paid before (a datanet or model first paying now is shown by its id).
  const names = new Map<string, string>();
  for (const t of a.rewards.byDatanet) if (t.datanet) names.set(t.datanet.id.toLowerCase(), t.datanet.name);
  for (const t of a.rewards.byModel) if (t.model) names.set(t.model.id.toLowerCase(), t.model.name);
  const nameOf = (id: string) => names.get(id.toLowerCase());
  const feed: Credit[] = [...newer];
  for (const c of [...a.rewardHistory.nodes, ...older.nodes]) if (!seen.has(key(c))) { seen.add(key(c)); feed.push(c); }
  const liveKeys = new Set(newer.map(key));

  return (
    <section aria-labelledby="rewards-title" data-ready="rewards">
      <h1 id="rewards-title">Rewards</h1>
      <p>Of <AccountLink address={a.address} full />: <strong data-testid="rewards-total" data-wei={total.toString()}>{formatOpen(total, 18)}</strong> from{' '}
        <span data-testid="rewards-count">{count}</span> {count === 1 ? 'credit' : 'credits'}; new credits appear here as their settlements commit.</p>
      {feedError && <ErrorBox error={feedError} title="The live feed stopped" />}
      <Chart steps label="Cumulative rewards" unit="OPEN" xs={chart.xs} ys={chart.ys} />
      <h2>By role</h2>
      {roles.size === 0 ? <Empty>No settlement has paid this account yet.</Empty> : (
        <table class="list" aria-label="Rewards by role" data-testid="rewards-by-role">
          <thead><tr><th scope="col">Role</th><th scope="col">Earned</th><th scope="col">Credits</th></tr></thead>
          <tbody>{[...roles].map(([role, r]) => <tr key={role} data-role={role} data-wei={r.amount.toString()}>
            <td>{role}</td><td>{formatOpen(r.amount, 18)}</td><td>{r.count}</td></tr>)}</tbody>
        </table>)}
      <h2>Credits</h2>
      {feed.length === 0 ? <Empty>No credit yet. This page waits for one: it appears when a settlement pays this account.</Empty> : (
        <table class="list" aria-label="Reward credits, newest first" data-testid="rewards-feed">
          <thead><tr><th scope="col">Amount</th><th scope="col">Role</th><th scope="col">Datanet</th><th scope="col">Model</th>
            <th scope="col">Inference</th><th scope="col">Block</th></tr></thead>
          <tbody>{feed.map((c) => (
            <tr key={key(c)} data-key={key(c)} data-live={liveKeys.has(key(c)) ? 'true' : undefined} data-inference={c.inference ?? ''} data-wei={c.amount ?? ''}>
              <td>{formatOpen(c.amount, 18)}</td>
              <td>{c.detail ?? '—'}</td>
              <td>{c.datanet ? <DatanetLink id={c.datanet} name={nameOf(c.datanet)} /> : '—'}</td>
              <td>{c.model ? <a href={href.model(c.model)} class={nameOf(c.model) ? undefined : 'mono'} title={c.model}>{nameOf(c.model) ?? short(c.model, 4)}</a> : '—'}</td>
              <td>{c.inference ? <a href={href.inference(c.inference)} class="mono" title={c.inference}>{short(c.inference, 4)}</a> : '—'}</td>
              <td><BlockLink height={c.height} /></td>
            </tr>))}</tbody>
        </table>)}
      {page?.hasNextPage && (
        <p class="older-credits">
          <span class="muted">The latest {a.rewardHistory.nodes.length + older.nodes.length} credits, and every credit since this page opened.</span>{' '}
          <button type="button" onClick={loadOlder} disabled={older.loading} data-testid="older-credits">
            {older.loading ? 'Reading older credits…' : 'Older credits'}</button>
        </p>)}
      {older.error && <ErrorBox error={older.error} title="The older credits could not be read" />}
    </section>);
}
