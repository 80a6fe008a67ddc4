// One model: its owner, base model, price and fee split as the chain holds them, its versions (adapter and training
// record hashes, and the datanet versions each was trained on, linked to their datanets), its latest inferences and
// its revenue per hour over the last day (the escrow its settlements split, from the node's revenueSeries).
import { MODEL } from '../api/models';
import { ApiError } from '../api/graphql';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink, DatanetLink } from '../ui/links';
import { Chart } from '../ui/Chart';
import { href } from '../ui/router';
import { formatOpen, isHash, short, WEI_PER_OPEN } from '../ui/format';

interface ModelData {
  id: string; name: string; owner: string; baseModel: string; price: string; ownerBps: number; contributorsBps: number; protocolBps: number;
  status: string; version: number; createdHeight: number; inferenceCount: number;
  versions: { number: number; adapter: string; trainingRecord: string; height: number;
    datanetVersions: { id: string; number: number; root: string; count: number; datanetId: string; datanet: { name: string } | null }[] }[];
  inferences: { nodes: { id: string; caller: string; status: string; escrow: string; createdHeight: number }[] };
  revenueSeries: { revenue: string; complete: boolean; buckets: { start: string; requested: number; settled: number; revenue: string }[] };
}

/** Basis points as the share they are: 7000 -> "70%". */
const percent = (bps: number) => `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)}%`;
/** A chart's value in OPEN (a drawing, not an amount: the exact figure is printed beside it). */
const openNumber = (wei: string) => Number(BigInt(wei) * 1_000_000n / WEI_PER_OPEN) / 1_000_000;

export function Model({ id }: { id: string }) {
  const valid = isHash(id);
  const q = useQuery<{ model: ModelData | null }>(MODEL, valid ? { id } : null, `model:${id}`);
  if (!valid) return <section data-ready="model-invalid"><h1>Model</h1>
    <ErrorBox error={new ApiError('INVALID_INPUT', `"${id}" is not a model id (0x + 64 hex digits).`)} title="No such model" /></section>;
  if (q.error) return <section data-ready="model-error"><h1>Model</h1><ErrorBox error={q.error} title="The model could not be read" /></section>;
  if (!q.data) return <Loading what="the model" />;
  const m = q.data.model;
  if (!m) return <section data-ready="model-missing"><h1>Model</h1>
    <Empty>This node knows no model <span class="mono wrap">{id}</span>. <a href={href.models()}>All models</a>.</Empty></section>;
  const series = m.revenueSeries;
  const xs = series.buckets.map((b) => Date.parse(b.start) / 1000);
  return (
    <section aria-labelledby="model-title" data-ready="model">
      <h1 id="model-title">Model <span data-testid="model-name">{m.name}</span></h1>
      <p class="mono wrap">{m.id}</p>
      <dl class="fields" data-testid="model-fields">
        <dt>Owner</dt><dd><AccountLink address={m.owner} full /></dd>
        <dt>Base model</dt><dd data-testid="model-base">{m.baseModel}</dd>
        <dt>Price</dt><dd data-testid="model-price">{formatOpen(m.price)} per inference (escrowed, then split)</dd>
        <dt>Fee split</dt><dd data-testid="model-split">owner {percent(m.ownerBps)} ({m.ownerBps} bps), contributors {percent(m.contributorsBps)}
          {' '}({m.contributorsBps} bps), protocol {percent(m.protocolBps)} ({m.protocolBps} bps)</dd>
        <dt>Status</dt><dd><span class={`status ${m.status.toLowerCase()}`}>{m.status.toLowerCase()}</span></dd>
        <dt>Registered</dt><dd>block <BlockLink height={m.createdHeight} /></dd>
      </dl>
      <dl class="stats">
        <div><dt>Version</dt><dd>{m.version}</dd></div>
        <div><dt>Inferences</dt><dd data-testid="model-inference-count">{m.inferenceCount}</dd></div>
        <div><dt>Revenue, last 24 h</dt><dd data-testid="model-revenue">{formatOpen(series.revenue)}</dd></div>
      </dl>
      <h2>Revenue</h2>
      <div class="charts">
        <Chart label="Revenue per hour" unit="OPEN" xs={xs} ys={series.buckets.map((b) => openNumber(b.revenue))} steps />
        <Chart label="Inferences requested per hour" unit="requests" xs={xs} ys={series.buckets.map((b) => b.requested)} steps />
      </div>
      {!series.complete && <p class="muted">The node read part of the window only: the chart may miss some of it.</p>}
      <h2>Versions</h2>
      <table class="list" data-testid="model-versions">
        <thead><tr><th scope="col">Version</th><th scope="col">Adapter</th><th scope="col">Training record</th>
          <th scope="col">Trained on</th><th scope="col">Block</th></tr></thead>
        <tbody>{[...m.versions].reverse().map((v) => (
          <tr key={v.number}><td>{v.number}</td>
            <td class="mono" title={v.adapter} data-testid="version-adapter">{short(v.adapter)}</td>
            <td class="mono" title={v.trainingRecord} data-testid="version-record">{short(v.trainingRecord)}</td>
            <td data-testid="version-datanets">{v.datanetVersions.map((d, i) => <span key={d.id}>{i > 0 && ', '}
              <DatanetLink id={d.datanetId} name={d.datanet?.name} /> version {d.number}
              {' '}(<span class="mono" title={d.root}>root {short(d.root, 4)}</span>, {d.count} approved)</span>)}</td>
            <td><BlockLink height={v.height} /></td></tr>))}</tbody>
      </table>
      <h2>Inferences</h2>
      {m.inferences.nodes.length === 0 ? <Empty>Nobody has asked this model yet.</Empty> : (
        <table class="list" data-testid="model-inferences">
          <thead><tr><th scope="col">Inference</th><th scope="col">Caller</th><th scope="col">Escrow</th><th scope="col">Status</th><th scope="col">Block</th></tr></thead>
          <tbody>{m.inferences.nodes.map((i) => (
            <tr key={i.id}><td><a href={`#/inference/${i.id}`} class="mono" title={i.id}>{short(i.id)}</a></td>
              <td><AccountLink address={i.caller} /></td><td>{formatOpen(i.escrow)}</td>
              <td><span class={`status ${i.status.toLowerCase()}`}>{i.status.toLowerCase()}</span></td><td><BlockLink height={i.createdHeight} /></td></tr>))}</tbody>
        </table>)}
      {m.inferenceCount > m.inferences.nodes.length && <p class="muted">The latest {m.inferences.nodes.length} of {m.inferenceCount} inferences.</p>}
    </section>
  );
}
