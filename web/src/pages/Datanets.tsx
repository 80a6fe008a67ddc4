// Every datanet, newest first, a page of 25 at a time: what it collects, what contributing costs, how far curation is.
import { DATANETS } from '../api/documents';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink, DatanetLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen } from '../ui/format';

export interface DatanetRow {
  id: string; name: string; owner: string; taskKind: string; feePerKb: string; stake: string;
  contributionCount: number; approvedCount: number; pendingCount: number; versionCount: number; createdHeight: number;
}

/** TEXT_LABEL -> "text label". */
export const taskName = (kind: string) => kind.toLowerCase().replace(/_/g, ' ');

export function Datanets({ after }: { after?: string }) {
  const q = useQuery<{ datanets: { nodes: DatanetRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    DATANETS, { first: 25, after: after ?? null }, `datanets:${after}`);
  if (q.error) return <ErrorBox error={q.error} title="Datanets could not be read" />;
  if (!q.data) return <Loading what="datanets" />;
  const { nodes, pageInfo } = q.data.datanets;
  return (
    <section aria-labelledby="datanets-title" data-ready="datanets">
      <h1 id="datanets-title">Datanets</h1>
      <p><a class="button" href={href.newDatanet()} data-testid="new-datanet">Create a datanet</a></p>
      {nodes.length === 0 ? <Empty>No datanet on this chain yet.</Empty> : (
        <table class="list" data-testid="datanets">
          <thead><tr><th scope="col">Datanet</th><th scope="col">Task</th><th scope="col">Owner</th><th scope="col">Fee per KiB</th>
            <th scope="col">Stake</th><th scope="col">Contributions</th><th scope="col">Approved</th><th scope="col">Pending</th>
            <th scope="col">Versions</th><th scope="col">Created</th></tr></thead>
          <tbody>{nodes.map((d) => (
            <tr key={d.id}>
              <td><DatanetLink id={d.id} name={d.name} /></td><td>{taskName(d.taskKind)}</td><td><AccountLink address={d.owner} /></td>
              <td>{formatOpen(d.feePerKb)}</td><td>{formatOpen(d.stake)}</td><td>{d.contributionCount}</td>
              <td>{d.approvedCount}</td><td>{d.pendingCount}</td><td>{d.versionCount}</td><td><BlockLink height={d.createdHeight} /></td>
            </tr>))}</tbody>
        </table>)}
      <nav class="pager" aria-label="Pages of datanets">
        {after && <a href={href.datanets()}>Newest</a>}
        {pageInfo.hasNextPage && pageInfo.endCursor && <a href={href.datanets(pageInfo.endCursor)}>Older datanets</a>}
      </nav>
    </section>
  );
}
