// A list of transactions (a block's or an account's).
import { AccountLink, BlockLink, TxLink } from '../ui/links';
import { formatOpen } from '../ui/format';

export interface TxRow {
  hash: string; status: string; kind: string | null; from: string | null; to: string | null; amount: string | null;
  nonce: string | null; blockHeight: number | null; index: number | null;
  receipt: { succeeded: boolean; errorCode: string | null; fee: string } | null;
}

export function TxTable({ rows, showBlock = true, label }: { rows: TxRow[]; showBlock?: boolean; label: string }) {
  return (
    <table class="list" aria-label={label}>
      <thead><tr>
        <th scope="col">Hash</th>{showBlock && <th scope="col">Block</th>}<th scope="col">Kind</th><th scope="col">From</th>
        <th scope="col">To</th><th scope="col">Amount</th><th scope="col">Result</th>
      </tr></thead>
      <tbody>{rows.map((t) => (
        <tr key={t.hash}>
          <td><TxLink hash={t.hash} /></td>{showBlock && <td><BlockLink height={t.blockHeight} /></td>}
          <td>{t.kind ?? '—'}</td><td><AccountLink address={t.from} /></td><td><AccountLink address={t.to} /></td>
          <td>{t.amount ? formatOpen(t.amount) : '—'}</td>
          <td>{t.receipt ? (t.receipt.succeeded ? 'succeeded' : `failed: ${t.receipt.errorCode}`) : t.status.toLowerCase()}</td>
        </tr>))}</tbody>
    </table>
  );
}
