// One block: its header and its transactions.
import { BLOCK } from '../api/documents';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink } from '../ui/links';
import { isHash } from '../ui/format';
import { TxTable, type TxRow } from './TxTable';
import { ApiError } from '../api/graphql';

interface BlockData {
  height: number; hash: string; parentHash: string; timestamp: string; transactionsRoot: string; receiptsRoot: string;
  stateRoot: string; producer: string; producerSignature: string; gasUsed: number; transactionCount: number;
  transactions: { nodes: TxRow[]; pageInfo: { hasNextPage: boolean } };
}

export function Block({ id }: { id: string }) {
  const byHash = isHash(id);
  const valid = byHash || /^\d{1,18}$/.test(id);
  const q = useQuery<{ block: BlockData | null }>(BLOCK, valid ? (byHash ? { hash: id } : { height: Number(id) }) : null, `block:${id}`);
  if (!valid) return <ErrorBox error={new ApiError('INVALID_BLOCK_ID', `"${id}" is neither a block height nor a 32-byte hash.`)} title="No such block" />;
  if (q.error) return <ErrorBox error={q.error} title="The block could not be read" />;
  if (!q.data) return <Loading what={`block ${id}`} />;
  const b = q.data.block;
  if (!b) return (
    <section data-ready="block-missing"><h1>Block {id}</h1><Empty>This node has no block {id}.</Empty></section>);
  return (
    <section aria-labelledby="block-title" data-ready="block">
      <h1 id="block-title">Block #{b.height}</h1>
      <nav class="pager" aria-label="Neighbouring blocks">
        {b.height > 0 && <a href={`#/block/${b.height - 1}`}>Previous block</a>}
      </nav>
      <dl class="fields">
        <dt>Hash</dt><dd class="mono">{b.hash}</dd>
        <dt>Parent</dt><dd class="mono">{b.height > 0 ? <a href={`#/block/${b.parentHash}`}>{b.parentHash}</a> : b.parentHash}</dd>
        <dt>Sealed</dt><dd>{b.timestamp}</dd>
        <dt>Producer</dt><dd><AccountLink address={b.producer} full /></dd>
        <dt>Transactions</dt><dd>{b.transactionCount}</dd>
        <dt>Gas used</dt><dd>{b.gasUsed.toLocaleString('en-US')}</dd>
        <dt>Transactions root</dt><dd class="mono">{b.transactionsRoot}</dd>
        <dt>Receipts root</dt><dd class="mono">{b.receiptsRoot}</dd>
        <dt>State root</dt><dd class="mono">{b.stateRoot}</dd>
        <dt>Producer signature</dt><dd class="mono wrap">{b.producerSignature}</dd>
      </dl>
      <h2>Transactions</h2>
      {b.transactions.nodes.length === 0 ? <Empty>No transactions in this block.</Empty>
        : <TxTable rows={b.transactions.nodes} showBlock={false} label={`Transactions of block ${b.height}`} />}
      {b.transactions.pageInfo.hasNextPage && <p class="muted">The first 50 of {b.transactionCount} transactions.</p>}
    </section>
  );
}
