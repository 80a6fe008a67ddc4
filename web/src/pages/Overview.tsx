// The chain at a glance, live: the head from the `blocks` subscription, blocks/s and transactions/s over the last three
// minutes (the node's `chainActivity` counts, continued by the subscription), the latest blocks and the mempool.
import { useEffect, useState } from 'preact/hooks';
import { gql, subscribe } from '../api/graphql';
import { BLOCKS, BLOCKS_SUB, CHAIN, CHAIN_ACTIVITY } from '../api/documents';
import type { ChainInfo } from '../api/chain';
import { Chart } from '../ui/Chart';
import { AccountLink, BlockLink } from '../ui/links';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { ago } from '../ui/format';

export interface BlockRow { height: number; hash: string; timestamp: string; transactionCount: number; gasUsed: number; producer: string }

const BUCKET_S = 5;
const BUCKETS = 36;

/** What the node counted per bucket (`chainActivity`) up to block `toHeight`. */
export interface Activity { toHeight: number | null; buckets: { start: string; blocks: number; transactions: number }[] }

/** Blocks and transactions per second in 5-second buckets ending now: the node's counts up to `toHeight`, then the
 *  blocks the subscription brought after it (so a block is counted once, whichever way it came). */
export function rates(blocks: BlockRow[], activity: Activity | null, now: number) {
  const end = Math.floor(now / 1000 / BUCKET_S) * BUCKET_S;
  const first = end - (BUCKETS - 1) * BUCKET_S;
  const xs: number[] = [], bps: number[] = [], tps: number[] = [];
  for (let i = BUCKETS - 1; i >= 0; i--) { xs.push(end - i * BUCKET_S); bps.push(0); tps.push(0); }
  const add = (t: number, count: number, transactions: number) => {
    const i = Math.floor((t - first) / BUCKET_S);
    if (i < 0 || i >= BUCKETS) return;
    bps[i] += count / BUCKET_S;
    tps[i] += transactions / BUCKET_S;
  };
  for (const b of activity?.buckets ?? []) add(Date.parse(b.start) / 1000, b.blocks, b.transactions);
  const counted = activity?.toHeight ?? -1;
  for (const b of blocks) if (b.height > counted) add(Date.parse(b.timestamp) / 1000, 1, b.transactionCount);
  return { xs, bps, tps };
}

export function Overview() {
  const [blocks, setBlocks] = useState<BlockRow[] | null>(null);
  const [activity, setActivity] = useState<Activity | null>(null);
  const [activityFailed, setActivityFailed] = useState(false);
  const [info, setInfo] = useState<{ chain: ChainInfo; mempool: { pending: number; ready: number } } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    let live = true;
    const seen = new Set<number>();
    const add = (rows: BlockRow[]) => setBlocks((prev) => {
      const merged = [...rows.filter((r) => !seen.has(r.height)), ...(prev ?? [])];
      for (const r of rows) seen.add(r.height);
      merged.sort((a, b) => b.height - a.height);
      // Keep the charts' window (live blocks past the node's counts) and at least the ten the table shows.
      const oldest = Date.now() - (BUCKETS + 1) * BUCKET_S * 1000;
      return merged.filter((r, i) => i < 10 || Date.parse(r.timestamp) >= oldest);
    });
    // Listen first, then read the recent history: a block committed in between is in one or the other (or both, and
    // `seen` drops the repeat; the charts count a live block only above the node's `toHeight`).
    const stop = subscribe<{ blocks: BlockRow }>(BLOCKS_SUB, {}, (d) => { if (live) add([d.blocks]); }, setError);
    gql<{ blocks: { nodes: BlockRow[] } }>(BLOCKS, { first: 10 }).then((d) => { if (live) add(d.blocks.nodes); }, setError);
    gql<{ chainActivity: Activity }>(CHAIN_ACTIVITY, { bucketSeconds: BUCKET_S, buckets: BUCKETS })
      .then((d) => { if (live) setActivity(d.chainActivity); }, () => { if (live) setActivityFailed(true); });
    const refresh = () => gql<{ chain: ChainInfo; mempool: { pending: number; ready: number } }>(CHAIN).then((d) => live && setInfo(d), setError);
    refresh();
    const poll = setInterval(refresh, 5000);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { live = false; stop(); clearInterval(poll); clearInterval(tick); };
  }, []);

  if (error && !blocks) return <ErrorBox error={error} title="The chain could not be read" />;
  // The charts wait for the node's counts; without them (an older node) they count the blocks seen here.
  if (!blocks || (!activity && !activityFailed)) return <Loading what="the chain" />;
  const head = blocks[0];
  const { xs, bps, tps } = rates(blocks, activity, now);
  return (
    <section aria-labelledby="overview-title" data-ready="overview">
      <h1 id="overview-title">Chain overview</h1>
      <dl class="stats">
        <div><dt>Head</dt><dd data-testid="head-height">{head ? <BlockLink height={head.height} /> : '—'}</dd></div>
        <div><dt>Head sealed</dt><dd>{head ? ago(head.timestamp, now) : '—'}</dd></div>
        <div><dt>Chain</dt><dd>{info ? `${info.chain.name} (id ${info.chain.chainId})${info.chain.dev ? ', dev' : ''}` : '…'}</dd></div>
        <div><dt>Pending transactions</dt><dd data-testid="mempool-pending">{info ? info.mempool.pending : '…'}</dd></div>
      </dl>
      <div class="charts">
        <Chart label="Blocks" unit="per second" xs={xs} ys={bps} steps />
        <Chart label="Transactions" unit="per second" xs={xs} ys={tps} steps />
      </div>
      <h2>Latest blocks</h2>
      {blocks.length === 0 ? <Empty>No blocks yet.</Empty> : (
        <table class="list" data-testid="latest-blocks">
          <thead><tr><th scope="col">Block</th><th scope="col">Sealed</th><th scope="col">Transactions</th><th scope="col">Producer</th></tr></thead>
          <tbody>
            {blocks.slice(0, 10).map((b) => (
              <tr key={b.height}>
                <td><BlockLink height={b.height} /></td><td>{ago(b.timestamp, now)}</td>
                <td>{b.transactionCount}</td><td><AccountLink address={b.producer} /></td>
              </tr>))}
          </tbody>
        </table>)}
      <p><a href="#/blocks">All blocks</a></p>
    </section>
  );
}
