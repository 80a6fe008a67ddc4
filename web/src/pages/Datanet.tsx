// One datanet: its task, fees, stake and curators, its curation queue (decisions for its owner and curators), its
// published versions with their Merkle roots (and publishing the next, for its owner and curators), and its
// contributions with their curation status, near duplicates and training flags, newest first, 10 a page (each stored
// text costs about 1,000 of the API's 20,000 complexity points).
import { DATANET } from '../api/documents';
import { ApiError } from '../api/graphql';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen, isHash, short } from '../ui/format';
import { taskName } from './Datanets';
import { Contribute } from './Contribute';
import { ContributeFiles } from './ContributeFiles';
import { Curation, mayCurate } from './Curation';
import { Publish } from './Publish';
import { excerpt } from './excerpt';
import { useSignal } from '../api/signal';
import { signer } from '../wallet/wallet';

interface Contribution {
  id: string; contributor: string; size: number; fee: string; stake: string; status: string; reason: string | null;
  createdHeight: number; text: string | null;
  nearDuplicates: { contributionId: string; similarity: number }[]; flags: { reason: string; score: number }[];
}
interface DatanetData {
  id: string; name: string; description: string; owner: string; tags: string[]; license: string; taskKind: string;
  feePerKb: string; stake: string; forfeitTo: string; curators: string[]; createdHeight: number;
  contributionCount: number; approvedCount: number; rejectedCount: number; expiredCount: number; pendingCount: number; versionCount: number;
  versions: { nodes: { number: number; root: string; count: number; publishedBy: string; createdHeight: number }[] };
  contributions: { nodes: Contribution[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function Datanet({ id, after }: { id: string; after?: string }) {
  const valid = isHash(id);
  const who = useSignal(signer);
  const q = useQuery<{ datanet: DatanetData | null }>(DATANET, valid ? { id, after: after ?? null } : null, `datanet:${id}:${after}`);
  if (!valid) return <ErrorBox error={new ApiError('INVALID_INPUT', `"${id}" is not a datanet id (0x + 64 hex digits).`)} title="No such datanet" />;
  if (q.error) return <ErrorBox error={q.error} title="The datanet could not be read" />;
  if (!q.data) return <Loading what="the datanet" />;
  const d = q.data.datanet;
  if (!d) return <section data-ready="datanet-missing"><h1>Datanet</h1>
    <Empty>This node knows no datanet <span class="mono wrap">{id}</span>. <a href={href.datanets()}>All datanets</a>.</Empty></section>;
  const { nodes, pageInfo } = d.contributions;
  return (
    <section aria-labelledby="datanet-title" data-ready="datanet">
      <h1 id="datanet-title">Datanet <span data-testid="datanet-name">{d.name}</span></h1>
      <p class="mono wrap">{d.id}</p>
      {d.description && <p>{d.description}</p>}
      <dl class="fields" data-testid="datanet-fields">
        <dt>Task</dt><dd>{taskName(d.taskKind)}</dd>
        <dt>Owner</dt><dd><AccountLink address={d.owner} full /></dd>
        <dt>Fee</dt><dd data-testid="datanet-fee">{formatOpen(d.feePerKb)} per started KiB (to the owner)</dd>
        <dt>Stake</dt><dd data-testid="datanet-stake">{formatOpen(d.stake)} per contribution, locked until curation</dd>
        <dt>Rejected stakes go to</dt><dd>{d.forfeitTo.toLowerCase()}</dd>
        <dt>Curators</dt><dd data-testid="datanet-curators">{d.curators.length === 0 ? 'the owner only'
          : d.curators.map((c, i) => <span key={c}>{i > 0 && ', '}<AccountLink address={c} /></span>)}</dd>
        <dt>License</dt><dd>{d.license || '—'}</dd>
        {d.tags.length > 0 && <><dt>Tags</dt><dd>{d.tags.join(', ')}</dd></>}
        <dt>Created</dt><dd>block <BlockLink height={d.createdHeight} /></dd>
      </dl>
      <dl class="stats">
        <div><dt>Contributions</dt><dd>{d.contributionCount}</dd></div>
        <div><dt>Approved</dt><dd>{d.approvedCount}</dd></div>
        <div><dt>Pending</dt><dd>{d.pendingCount}</dd></div>
        <div><dt>Rejected / expired</dt><dd>{d.rejectedCount} / {d.expiredCount}</dd></div>
      </dl>
      <Contribute datanet={d.id} onCommitted={q.refresh} />
      <ContributeFiles datanet={d.id} taskKind={d.taskKind} onCommitted={q.refresh} />
      <Curation datanet={d.id} owner={d.owner} curators={d.curators} pendingCount={d.pendingCount} onChanged={q.refresh} />
      {mayCurate(who?.address, d.owner, d.curators) && <Publish datanet={d.id} approvedCount={d.approvedCount} versionCount={d.versionCount}
        lastCount={d.versions.nodes[0]?.count ?? 0} onCommitted={q.refresh} />}
      <h2>Versions</h2>
      {d.versionCount > 0 && <p><a href={href.train(d.id)} class="action" data-testid="train-link">Train a model</a> on a published version (Model Factory).</p>}
      {d.versions.nodes.length === 0 ? <Empty>No version published yet.</Empty> : (
        <table class="list" data-testid="datanet-versions">
          <thead><tr><th scope="col">Version</th><th scope="col">Merkle root</th><th scope="col">Contributions</th>
            <th scope="col">Published by</th><th scope="col">Block</th></tr></thead>
          <tbody>{d.versions.nodes.map((v) => (
            <tr key={v.number}><td>{v.number}</td><td class="mono" title={v.root}>{short(v.root)}</td><td>{v.count}</td>
              <td><AccountLink address={v.publishedBy} /></td><td><BlockLink height={v.createdHeight} /></td></tr>))}</tbody>
        </table>)}
      {d.versionCount > d.versions.nodes.length && <p class="muted">The latest {d.versions.nodes.length} of {d.versionCount} versions.</p>}
      <h2>Contributions</h2>
      {nodes.length === 0 ? <Empty>No contributions yet.</Empty> : (
        <table class="list" data-testid="datanet-contributions">
          <thead><tr><th scope="col">Contribution</th><th scope="col">Text</th><th scope="col">Contributor</th><th scope="col">Bytes</th>
            <th scope="col">Status</th><th scope="col">Near duplicates and flags</th><th scope="col">Block</th></tr></thead>
          <tbody>{nodes.map((c) => (
            <tr key={c.id} data-status={c.status}>
              <td class="mono" title={c.id}>{short(c.id)}</td><td>{excerpt(c.text)}</td>
              <td><AccountLink address={c.contributor} /></td><td>{c.size}</td>
              <td><span class={`status ${c.status.toLowerCase()}`}>{c.status.toLowerCase()}</span>{c.reason && <> ({c.reason})</>}</td>
              <td>{c.nearDuplicates.length === 0 && c.flags.length === 0 ? '—' : <>
                {c.nearDuplicates.map((n) => <span key={n.contributionId} class="flag" data-testid="near-duplicate" title={n.contributionId}>
                  near duplicate of {short(n.contributionId, 4)} ({Math.round(n.similarity * 100)}%){' '}</span>)}
                {c.flags.map((f, i) => <span key={i} class="flag">flagged in training: {f.reason}{' '}</span>)}</>}</td>
              <td><BlockLink height={c.createdHeight} /></td>
            </tr>))}</tbody>
        </table>)}
      <nav class="pager" aria-label="Pages of contributions">
        {after && <a href={href.datanet(d.id)}>Newest</a>}
        {pageInfo.hasNextPage && pageInfo.endCursor && <a href={href.datanet(d.id, pageInfo.endCursor)}>Older contributions</a>}
      </nav>
    </section>
  );
}
