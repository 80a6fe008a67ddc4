// Every block, newest first, a page of 25 at a time (the API's cursor).
import { BLOCKS } from '../api/documents';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink } from '../ui/links';
import { href } from '../ui/router';
import { short } from '../ui/format';
import type { BlockRow } from './Overview';

export function Blocks({ after }: { after?: string }) {
  const q = useQuery<{ blocks: { nodes: BlockRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    BLOCKS, { first: 25, after: after ?? null }, `blocks:${after}`);
  if (q.error) return <ErrorBox error={q.error} title="Blocks could not be read" />;
  if (!q.data) return <Loading what="blocks" />;
  const { nodes, pageInfo } = q.data.blocks;
  return (
    <section aria-labelledby="blocks-title" data-ready="blocks">
      <h1 id="blocks-title">Blocks</h1>
      {nodes.length === 0 ? <Empty>No blocks.</Empty> : (
        <table class="list">
          <thead><tr><th scope="col">Block</th><th scope="col">Hash</th><th scope="col">Sealed (UTC)</th><th scope="col">Transactions</th><th scope="col">Gas used</th><th scope="col">Producer</th></tr></thead>
          <tbody>{nodes.map((b) => (
            <tr key={b.height}>
              <td><BlockLink height={b.height} /></td><td class="mono">{short(b.hash)}</td>
              <td>{b.timestamp.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}</td>
              <td>{b.transactionCount}</td><td>{b.gasUsed.toLocaleString('en-US')}</td><td><AccountLink address={b.producer} /></td>
            </tr>))}</tbody>
        </table>)}
      <nav class="pager" aria-label="Pages of blocks">
        {after && <a href={href.blocks()}>Newest</a>}
        {pageInfo.hasNextPage && pageInfo.endCursor && <a href={href.blocks(pageInfo.endCursor)}>Older blocks</a>}
      </nav>
    </section>
  );
}
