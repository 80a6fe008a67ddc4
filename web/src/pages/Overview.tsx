// The chain at a glance, live: the head from the `blocks` subscription, blocks/s and transactions/s over the last three
// minutes, the latest blocks and the mempool.
import { useEffect, useState } from 'preact/hooks';
import { gql, subscribe } from '../api/graphql';
import { BLOCKS, BLOCKS_SUB, CHAIN } from '../api/documents';
import type { ChainInfo } from '../api/chain';
import { Chart } from '../ui/Chart';
import { AccountLink, BlockLink } from '../ui/links';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { ago } from '../ui/format';

export interface BlockRow { height: number; hash: string; timestamp: string; transactionCount: number; gasUsed: number; producer: string }

const BUCKET_S = 5;
const BUCKETS = 36;

/** Blocks and transactions per second in 5-second buckets ending now, from the blocks' own timestamps. */
export function rates(blocks: BlockRow[], now: number) {
  const end = Math.floor(now / 1000 / BUCKET_S) * BUCKET_S;
  const xs: number[] = [], bps: number[] = [], tps: number[] = [];
  for (let i = BUCKETS - 1; i >= 0; i--) { xs.push(end - i * BUCKET_S); bps.push(0); tps.push(0); }
  for (const b of blocks) {
    const t = Date.parse(b.timestamp) / 1000;
    const i = Math.floor((t - (end - (BUCKETS - 1) * BUCKET_S)) / BUCKET_S);
    if (i < 0 || i >= BUCKETS) continue;
    bps[i] += 1 / BUCKET_S;
    tps[i] += b.transactionCount / BUCKET_S;
  }
  return { xs, bps, tps };
}

export function Overview() {
  const [blocks, setBlocks] = useState<BlockRow[] | null>(null);
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
      return merged.slice(0, 400);
    });
    // Listen first, then read the recent history: a block committed in between is in one or the other (or both, and
    // `seen` drops the repeat).
    const stop = subscribe<{ blocks: BlockRow }>(BLOCKS_SUB, {}, (d) => { if (live) add([d.blocks]); }, setError);
    gql<{ blocks: { nodes: BlockRow[] } }>(BLOCKS, { first: 100 }).then((d) => { if (live) add(d.blocks.nodes); }, setError);
    const refresh = () => gql<{ chain: ChainInfo; mempool: { pending: number; ready: number } }>(CHAIN).then((d) => live && setInfo(d), setError);
    refresh();
    const poll = setInterval(refresh, 5000);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { live = false; stop(); clearInterval(poll); clearInterval(tick); };
  }, []);

  if (error && !blocks) return <ErrorBox error={error} title="The chain could not be read" />;
  if (!blocks) return <Loading what="the chain" />;
  const head = blocks[0];
  const { xs, bps, tps } = rates(blocks, now);
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
