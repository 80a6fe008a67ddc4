// Every model registered on the chain, newest first, 25 a page: who owns it, what it is built on, what an inference
// costs and how often it was asked.
import { MODELS } from '../api/models';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen } from '../ui/format';

interface ModelRow {
  id: string; name: string; owner: string; baseModel: string; price: string; status: string; version: number;
  inferenceCount: number; createdHeight: number;
}

export function Models({ after }: { after?: string }) {
  const q = useQuery<{ models: { nodes: ModelRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    MODELS, { first: 25, after: after ?? null }, `models:${after}`);
  if (q.error) return <ErrorBox error={q.error} title="Models could not be read" />;
  if (!q.data) return <Loading what="models" />;
  const { nodes, pageInfo } = q.data.models;
  return (
    <section aria-labelledby="models-title" data-ready="models">
      <h1 id="models-title">Models</h1>
      <p><a href={href.train()}>Train a model</a> on a published datanet version (Model Factory).</p>
      {nodes.length === 0 ? <Empty>No model is registered on this chain yet.</Empty> : (
        <table class="list" data-testid="models">
          <thead><tr><th scope="col">Model</th><th scope="col">Owner</th><th scope="col">Base model</th><th scope="col">Price per inference</th>
            <th scope="col">Version</th><th scope="col">Inferences</th><th scope="col">Status</th><th scope="col">Registered</th></tr></thead>
          <tbody>{nodes.map((m) => (
            <tr key={m.id}>
              <td><a href={href.model(m.id)} title={m.id}>{m.name}</a></td>
              <td><AccountLink address={m.owner} /></td><td>{m.baseModel}</td><td>{formatOpen(m.price)}</td>
              <td>{m.version}</td><td>{m.inferenceCount}</td>
              <td><span class={`status ${m.status.toLowerCase()}`}>{m.status.toLowerCase()}</span></td>
              <td><BlockLink height={m.createdHeight} /></td>
            </tr>))}</tbody>
        </table>)}
      <nav class="pager" aria-label="Pages of models">
        {after && <a href={href.models()}>Newest</a>}
        {pageInfo.hasNextPage && pageInfo.endCursor && <a href={href.models(pageInfo.endCursor)}>Older models</a>}
      </nav>
    </section>
  );
}
