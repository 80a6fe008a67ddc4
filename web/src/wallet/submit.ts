// Signs the node's typed data with the current signer and submits it: the API's refusal becomes an ApiError with its
// code (a wallet's "no" is USER_REJECTED), so every form shows it the same way.
import { gql, ApiError } from '../api/graphql';
import { SEND } from '../api/documents';
import { signTypedData } from './wallet';

export async function signAndSubmit(td: { json: string; hash: string }): Promise<string> {
  let signature: string;
  try {
    signature = await signTypedData(td.json, td.hash);
  } catch (err) {
    const rejected = (err as { code?: number })?.code === 4001;
    throw new ApiError(rejected ? 'USER_REJECTED' : 'WALLET', err instanceof Error ? err.message : String(err));
  }
  const sent = (await gql<{ sendTransaction: { accepted: boolean; hash: string | null; errorCode: string | null; errorMessage: string | null } }>(
    SEND, { s: { typedData: td.json, signature } })).sendTransaction;
  if (!sent.accepted) throw new ApiError(sent.errorCode ?? 'REFUSED', sent.errorMessage ?? 'refused');
  return sent.hash ?? td.hash;
}
