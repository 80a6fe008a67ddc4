// Signs the node's typed data with the current signer and submits it: the API's refusal becomes an ApiError with its
// code (a wallet's "no" is USER_REJECTED), so every form shows it the same way. A batch (curating many contributions)
// is signed one intent at a time, each its own signature as the wallet shows it, then sent in ONE sendTransactions
// call, as the CLI and the API's own clients do: the node admits or refuses each item on its own.
import { gql, ApiError } from '../api/graphql';
import { SEND, SEND_MANY } from '../api/documents';
import { signTypedData } from './wallet';

interface SendResult { accepted: boolean; hash: string | null; errorCode: string | null; errorMessage: string | null }

async function sign(td: { json: string; hash: string }): Promise<string> {
  try {
    return await signTypedData(td.json, td.hash);
  } catch (err) {
    if (err instanceof ApiError) throw err; // already a code (WALLET_WRONG_CHAIN)
    const rejected = (err as { code?: number })?.code === 4001;
    throw new ApiError(rejected ? 'USER_REJECTED' : 'WALLET', err instanceof Error ? err.message : String(err));
  }
}

export async function signAndSubmit(td: { json: string; hash: string }): Promise<string> {
  const signature = await sign(td);
  const sent = (await gql<{ sendTransaction: SendResult }>(SEND, { s: { typedData: td.json, signature } })).sendTransaction;
  if (!sent.accepted) throw new ApiError(sent.errorCode ?? 'REFUSED', sent.errorMessage ?? 'refused');
  return sent.hash ?? td.hash;
}

/** What the node said of one item of a batch: its hash, or its refusal. */
export type BatchItem = { hash: string; error: null } | { hash: null; error: ApiError };

/** Signs every typed data (in order; a wallet's "no" to any of them sends nothing), then submits all in one call.
 * `onSigned` reports progress (how many are signed). */
export async function signAndSubmitAll(tds: { json: string; hash: string }[], onSigned?: (n: number) => void): Promise<BatchItem[]> {
  const signed: { typedData: string; signature: string }[] = [];
  for (const td of tds) {
    signed.push({ typedData: td.json, signature: await sign(td) });
    onSigned?.(signed.length);
  }
  const sent = (await gql<{ sendTransactions: SendResult[] }>(SEND_MANY, { s: signed })).sendTransactions;
  return sent.map((r, i): BatchItem => r.accepted ? { hash: r.hash ?? tds[i].hash, error: null }
    : { hash: null, error: new ApiError(r.errorCode ?? 'REFUSED', r.errorMessage ?? 'refused') });
}
