// Publishing a datanet's next version (its owner or a curator, as the core's rule): what it will freeze (the approved
// contributions below the approval count, the ones new since the last version listed), then the wallet signs the
// PublishVersion intent, the page follows it to its commit and shows the version's Merkle root, read from the node.
import { useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { NEW_APPROVALS, TYPED_PUBLISH, VERSION_ROOT } from '../api/documents';
import { useSignal } from '../api/signal';
import { signer } from '../wallet/wallet';
import { signAndSubmit } from '../wallet/submit';
import { follow } from '../wallet/follow';
import { useQuery } from '../ui/useQuery';
import { ErrorBox } from '../ui/states';
import { AccountLink, BlockLink, TxLink } from '../ui/links';
import { short } from '../ui/format';
import { excerpt } from './excerpt';

interface Approved { id: string; approvalIndex: number | null; contributor: string; size: number; text: string | null }
type Phase = { step: 'ready' } | { step: 'signing' } | { step: 'sent'; hash: string; status: string; blockHeight: number | null }
  | { step: 'published'; hash: string; blockHeight: number | null; number: number; root: string; count: number } | { step: 'refused'; error: unknown };

export function Publish({ datanet, approvedCount, versionCount, lastCount, onCommitted }:
  { datanet: string; approvedCount: number; versionCount: number; lastCount: number; onCommitted: () => void }) {
  const who = useSignal(signer);
  const [phase, setPhase] = useState<Phase>({ step: 'ready' });
  const fresh = approvedCount - lastCount;
  // The newest approvals (newest contributions first): those at or past the last version's count are what is new.
  const q = useQuery<{ datanet: { contributions: { nodes: Approved[] } } | null }>(NEW_APPROVALS, { id: datanet }, `approved:${datanet}:${approvedCount}`);
  const newOnes = (q.data?.datanet?.contributions.nodes ?? []).filter((c) => c.approvalIndex !== null && c.approvalIndex >= lastCount)
    .sort((a, b) => a.approvalIndex! - b.approvalIndex!);
  const next = versionCount + 1;

  const publish = async () => {
    if (!who) return;
    setPhase({ step: 'signing' });
    try {
      const td = (await gql<{ typedData: { json: string; hash: string } }>(TYPED_PUBLISH, { i: { from: who.address, datanet } })).typedData;
      const hash = await signAndSubmit(td);
      setPhase({ step: 'sent', hash, status: 'PENDING', blockHeight: null });
      const o = await follow(hash, (u) => setPhase({ step: 'sent', hash, status: u.status, blockHeight: u.blockHeight }));
      if (o.succeeded === false) throw new ApiError(o.errorCode ?? 'FAILED', 'The transaction committed but failed.');
      // The version this transaction made: the datanet's latest, read once it committed.
      const v = (await gql<{ datanet: { version: { number: number; root: string; count: number; publishedBy: string } | null } }>(
        VERSION_ROOT, { id: datanet })).datanet.version;
      setPhase(v ? { step: 'published', hash, blockHeight: o.blockHeight, number: v.number, root: v.root, count: v.count }
        : { step: 'refused', error: new ApiError('NO_VERSION', 'The version committed but the node does not show it yet.') });
      onCommitted();
    } catch (error) {
      setPhase({ step: 'refused', error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) });
    }
  };

  return (
    <section aria-labelledby="publish-title" class="publish" data-testid="publish">
      <h2 id="publish-title">Publish a version</h2>
      <p data-testid="publish-preview">Version {next} will freeze the approved contributions with an approval index below <strong>{approvedCount}</strong>
        {' '}(less any excluded), in approval order, under one Merkle root of their content hashes: <strong>{fresh}</strong> approved
        {versionCount === 0 ? ' so far' : ` since version ${versionCount}`}.</p>
      {fresh <= 0 && <p class="warning">{versionCount === 0 ? 'Nothing is approved yet: the chain refuses the version (NothingToPublish).'
        : `Nothing was approved since version ${versionCount}: the chain refuses the version (NothingToPublish) unless a contribution was excluded since.`}</p>}
      {newOnes.length > 0 && (
        <table class="list" data-testid="publish-new" aria-label="New in this version">
          <thead><tr><th scope="col">Approval index</th><th scope="col">Contribution</th><th scope="col">Text</th><th scope="col">Contributor</th><th scope="col">Bytes</th></tr></thead>
          <tbody>{newOnes.map((c) => (
            <tr key={c.id}><td>{c.approvalIndex}</td><td class="mono" title={c.id}>{short(c.id)}</td><td>{excerpt(c.text)}</td>
              <td><AccountLink address={c.contributor} /></td><td>{c.size}</td></tr>))}</tbody>
        </table>)}
      {fresh > newOnes.length && <p class="muted">{newOnes.length} of the {fresh} new approvals are listed (those among the 10 newest approved contributions).</p>}
      <button type="button" onClick={publish} disabled={!who || phase.step === 'signing' || phase.step === 'sent'}>
        {phase.step === 'signing' ? 'Waiting for the wallet…' : phase.step === 'sent' ? 'Waiting for the commit…' : `Sign and publish version ${next}`}</button>
      <div aria-live="polite">
        {phase.step === 'sent' && <p class="state" data-testid="publish-status">Publishing <TxLink hash={phase.hash} />: {phase.status.toLowerCase()}.</p>}
        {phase.step === 'published' && (
          <div class="state ok" data-testid="publish-result">
            <p>Published version <strong data-testid="published-number">{phase.number}</strong> (<TxLink hash={phase.hash} />
              {phase.blockHeight !== null && <>, block <BlockLink height={phase.blockHeight} /></>}): {phase.count} approved contributions under the
              root <code class="mono wrap" data-testid="published-root">{phase.root}</code>.</p>
          </div>)}
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The version was not published" />}
      </div>
    </section>
  );
}
