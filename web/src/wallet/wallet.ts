// Who signs: an EIP-1193 wallet in the page (window.ethereum, e.g. MetaMask: eth_requestAccounts, then
// eth_signTypedData_v4 with the node's typed-data JSON) or, on a dev chain only, one of the public dev accounts.
import { signal } from '../api/signal';
import { typedDataHash, type TypedData } from '../crypto/eip712';
import { checksumAddress } from '../crypto/hex';
import { deriveDevKey, signDigest, type DevKey } from './devKeys';

interface Eip1193 { request(args: { method: string; params?: unknown[] }): Promise<unknown> }
declare global { interface Window { ethereum?: Eip1193 } }

export type Signer =
  | { kind: 'injected'; address: string }
  | { kind: 'dev'; address: string; key: DevKey };

export const signer = signal<Signer | null>(null);

export const hasInjectedWallet = () => typeof window.ethereum?.request === 'function';

export async function connectInjected(): Promise<void> {
  const accounts = (await window.ethereum!.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts?.length) throw new Error('the wallet shared no account');
  signer.set({ kind: 'injected', address: checksumAddress(accounts[0]) });
}

export function chooseDevAccount(seed: string, index: number): void {
  const key = deriveDevKey(seed, index);
  signer.set({ kind: 'dev', address: key.address, key });
}

export const disconnect = () => signer.set(null);

/** Signs the node's typed data (`json`, digest `hash`) with the current signer; returns the 65-byte signature. */
export async function signTypedData(json: string, hash: string): Promise<string> {
  const s = signer.get();
  if (!s) throw new Error('connect a wallet first');
  if (s.kind === 'injected')
    return (await window.ethereum!.request({ method: 'eth_signTypedData_v4', params: [s.address, json] })) as string;
  const digest = typedDataHash(JSON.parse(json) as TypedData);
  if (digest.toLowerCase() !== hash.toLowerCase())
    throw new Error(`the node's digest ${hash} is not the typed data's ${digest}: not signing`);
  return signDigest(s.key.secret, digest);
}
