// Who signs: an EIP-1193 wallet in the page (window.ethereum, e.g. MetaMask: eth_requestAccounts, then
// eth_signTypedData_v4 with the node's typed-data JSON) or, on a dev chain only, one of the public dev accounts.
import { signal } from '../api/signal';
import { loadChain } from '../api/chain';
import { typedDataHash, type TypedData } from '../crypto/eip712';
import { checksumAddress } from '../crypto/hex';
import { deriveDevKey, signDigest, type DevKey } from './devKeys';

interface Eip1193 { request(args: { method: string; params?: unknown[] }): Promise<unknown> }
declare global { interface Window { ethereum?: Eip1193 } }

export type Signer =
  | { kind: 'injected'; address: string }
  | { kind: 'dev'; address: string; key: DevKey };

export const signer = signal<Signer | null>(null);

// Which signer this tab chose survives a reload (sessionStorage: this tab only, gone when it closes). Only the choice
// is kept, never a key: a dev key is derived again from the seed the node names, a wallet is asked again (eth_accounts,
// which does not prompt).
const CHOICE = 'openledger.signer';
type Choice = { kind: 'injected' } | { kind: 'dev'; index: number };
const remember = (choice: Choice | null) => {
  try { if (choice) sessionStorage.setItem(CHOICE, JSON.stringify(choice)); else sessionStorage.removeItem(CHOICE); } catch { /* storage off */ }
};

/** Restores the tab's earlier choice, if any. */
export async function restoreSigner(): Promise<void> {
  let choice: Choice | null = null;
  try { choice = JSON.parse(sessionStorage.getItem(CHOICE) ?? 'null'); } catch { return; }
  // Dev keys only where the chain says it is a dev chain and names its seed, as the picker itself.
  if (choice?.kind === 'dev') {
    const dev = (await loadChain().catch(() => null))?.devAccounts;
    if (dev && choice.index >= 0 && choice.index < dev.count) chooseDevAccount(dev.seed, choice.index);
  }
  else if (choice?.kind === 'injected' && hasInjectedWallet()) {
    const accounts = (await window.ethereum!.request({ method: 'eth_accounts' }).catch(() => [])) as string[];
    if (accounts?.length && !signer.get()) signer.set({ kind: 'injected', address: checksumAddress(accounts[0]) });
  }
}

export const hasInjectedWallet = () => typeof window.ethereum?.request === 'function';

export async function connectInjected(): Promise<void> {
  const accounts = (await window.ethereum!.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts?.length) throw new Error('the wallet shared no account');
  signer.set({ kind: 'injected', address: checksumAddress(accounts[0]) });
  remember({ kind: 'injected' });
}

export function chooseDevAccount(seed: string, index: number): void {
  const key = deriveDevKey(seed, index);
  signer.set({ kind: 'dev', address: key.address, key });
  remember({ kind: 'dev', index });
}

export const disconnect = () => { signer.set(null); remember(null); };

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
