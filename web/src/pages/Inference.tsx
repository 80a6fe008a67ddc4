// One paid inference (#/inference/<id>): its input and output, status and escrow, its provenance (model version,
// adapter, training record, base model, datanet versions, hashes, server) and its attribution evidence as soon as it
// is settled. It follows the `inference(id)` subscription, reading the inference again at each change, so the output
// and then the settlement appear without a reload. The playground shows a just-paid inference with the same view.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, subscribe } from '../api/graphql';
import { INFERENCE, INFERENCE_SUB, type InferenceData } from '../api/infer';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen, isHash, short } from '../ui/format';
import { AttributionEvidence } from './Attribution';

const statusText: Record<InferenceData['status'], string> = {
  REQUESTED: 'requested: paid, waiting for the serving operator',
  SERVED: 'served: the output is posted, waiting for its attribution and settlement',
  SETTLED: 'settled: the escrow was split between the owner, the contributors and the protocol',
  EXPIRED: 'expired: not settled in time, the escrow went back to the caller',
};

const Hash = ({ value }: { value: string | null | undefined }) =>
  value ? <span class="mono wrap" title={value}>{value}</span> : <span class="muted">—</span>;

/** The inference `id`, live. `justSent`: the request may not be committed yet, so "no such inference" means "wait". */
export function InferenceView({ id, justSent = false }: { id: string; justSent?: boolean }) {
  const q = useQuery<{ inference: InferenceData | null }>(INFERENCE, { id }, `inference:${id}`);
  const i = q.data?.inference ?? null;
  const closed = i?.status === 'SETTLED' || i?.status === 'EXPIRED';
  const follow = !closed && !q.error && !!q.data;
  // The node gives up on a request not committed within a minute (dropped, or never sent): say so instead of waiting.
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    // Followed from the first read on, found or not: the node waits a minute for a request not committed yet (a link
    // opened right after paying), then says it knows none, and the page keeps its "no such inference".
    if (!follow) return;
    setGaveUp(false);
    return subscribe(INFERENCE_SUB, { id }, () => q.refresh(), () => { setGaveUp(true); q.refresh(); }, () => q.refresh());
  }, [id, follow]);

  if (q.error) return <ErrorBox error={q.error} title="The inference could not be read" />;
  if (!q.data) return <Loading what="the inference" />;
  if (!i) return justSent && !gaveUp
    ? <p class="state loading" role="status" data-testid="inference-status" data-status="sent">Paid; waiting for the request to be committed…</p>
    : <div data-ready="inference-missing"><Empty>This node knows no inference <span class="mono wrap">{id}</span> (a request sent a moment
      ago shows here as soon as it is committed).</Empty></div>;

  const p = i.provenance;
  return (
    <div class="inference" data-ready="inference" data-status={i.status}>
      <p aria-live="polite">Status: <strong data-testid="inference-status" data-status={i.status}>{statusText[i.status]}</strong></p>
      <div class="columns io">
        <div>
          <h2>Input</h2>
          {i.inputText === null ? <Empty>Not stored on this node (hash <span class="mono">{short(i.input)}</span>).</Empty>
            : <p class="output" data-testid="inference-input">{i.inputText}</p>}
        </div>
        <div>
          <h2>Output</h2>
          {i.outputText !== null ? <p class="output" data-testid="inference-output">{i.outputText}</p>
            : i.output ? <Empty>Posted (hash <span class="mono">{short(i.output)}</span>) but not stored on this node.</Empty>
            : <p class="state loading" role="status">{i.status === 'EXPIRED' ? 'No output was posted.' : 'Waiting for the output…'}</p>}
        </div>
      </div>
      <dl class="fields" aria-label="The inference">
        <dt>Inference</dt><dd><Hash value={i.id} /></dd>
        <dt>Model</dt><dd>{i.model ? <a href={href.model(i.modelId)}>{i.model.name}</a> : short(i.modelId)} version {i.modelVersion}</dd>
        <dt>Caller</dt><dd><AccountLink address={i.caller} full /></dd>
        <dt>Escrow</dt><dd data-testid="inference-escrow">{formatOpen(i.escrow, 18)} (owner {i.ownerBps / 100}%, contributors {i.contributorsBps / 100}%, protocol {i.protocolBps / 100}%)</dd>
        <dt>Requested in</dt><dd><BlockLink height={i.createdHeight} /></dd>
        <dt>{i.resolvedHeight !== null ? (i.status === 'EXPIRED' ? 'Expired in' : 'Settled in') : 'Expires at'}</dt>
        <dd>{i.resolvedHeight !== null ? <BlockLink height={i.resolvedHeight} />
          : <>block #{i.deadlineHeight}{i.expiresAt && <span class="muted"> (about {new Date(i.expiresAt).toLocaleTimeString()})</span>}</>}</dd>
        {i.settler && <><dt>Settled by</dt><dd><AccountLink address={i.settler} full /></dd></>}
      </dl>
      <h2>Provenance</h2>
      {!p ? <Empty>The model version is not on this chain.</Empty> : (
        <dl class="fields" aria-label="Provenance" data-testid="provenance">
          <dt>Model version</dt><dd>{p.modelVersion}</dd>
          <dt>Adapter</dt><dd><Hash value={p.adapter} /></dd>
          <dt>Training record</dt><dd><Hash value={p.trainingRecord} /></dd>
          <dt>Base model</dt><dd class="mono wrap">{p.baseModel}</dd>
          <dt>Datanet versions</dt><dd>{p.datanetVersions.map((v) => <div key={v}><Hash value={v} /></div>)}</dd>
          <dt>Input hash</dt><dd><Hash value={p.input} /></dd>
          <dt>Output hash</dt><dd><Hash value={p.output} /></dd>
          <dt>Server</dt><dd><AccountLink address={p.server} full /></dd>
          <dt>Attribution record</dt><dd><Hash value={i.record} /></dd>
        </dl>)}
      <AttributionEvidence inference={i} />
    </div>);
}

export function Inference({ id }: { id: string }) {
  if (!isHash(id)) return (
    <section data-ready="inference-invalid"><h1>Inference</h1>
      <ErrorBox error={new ApiError('INVALID_INPUT', `"${id}" is not an inference id (0x + 64 hex digits).`)} title="No such inference" /></section>);
  return (
    <section aria-labelledby="inference-title">
      <h1 id="inference-title">Inference <span class="mono" title={id}>{short(id)}</span></h1>
      <p><a href={href.playground()}>Pay for another inference in the playground</a></p>
      <InferenceView id={id} />
    </section>);
}
