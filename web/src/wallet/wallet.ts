// Who signs: an EIP-1193 wallet in the page (window.ethereum, e.g. MetaMask: eth_requestAccounts, then
// eth_signTypedData_v4 with the node's typed-data JSON) or, on a dev chain only, one of the public dev accounts.
// A wallet is followed, not asked once: its `accountsChanged` makes its new first account the page's signer (an empty
// list disconnects), and `chainChanged` updates the chain it is on, because a real wallet (MetaMask) refuses to sign
// typed data whose domain names another chain than its active one. There is no "add this chain to your wallet" flow:
// the node is not an Ethereum JSON-RPC endpoint a wallet could use, so the user switches the wallet by hand.
import { signal } from '../api/signal';
import { ApiError } from '../api/graphql';
import { loadChain } from '../api/chain';
import { typedDataHash, type TypedData } from '../crypto/eip712';
import { checksumAddress } from '../crypto/hex';
import { deriveDevKey, signDigest, type DevKey } from './devKeys';

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
  on?(event: string, listener: (value: unknown) => void): void;
}
declare global { interface Window { ethereum?: Eip1193 } }

export type Signer =
  | { kind: 'injected'; address: string }
  | { kind: 'dev'; address: string; key: DevKey };

export const signer = signal<Signer | null>(null);

/** The chain id the injected wallet says it is on (eth_chainId, then its chainChanged events); null when unknown (no
 * wallet connected, or a wallet that does not answer eth_chainId). */
export const walletChainId = signal<number | null>(null);

const parseChainId = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number.parseInt(v, v.startsWith('0x') ? 16 : 10) : typeof v === 'number' ? v : NaN;
  return Number.isSafeInteger(n) ? n : null;
};

async function readWalletChain(): Promise<number | null> {
  const id = parseChainId(await window.ethereum!.request({ method: 'eth_chainId' }).catch(() => null));
  walletChainId.set(id);
  return id;
}

// The wallet's events, listened to once per page (a wallet without `on` is only asked again on connect).
let following = false;
function followWallet(): void {
  if (following || typeof window.ethereum?.on !== 'function') return;
  following = true;
  window.ethereum.on('accountsChanged', (value) => {
    // Only when the page signs with the wallet: a dev account chosen in the page is not the wallet's to change.
    if (signer.get()?.kind !== 'injected') return;
    const accounts = Array.isArray(value) ? value as string[] : [];
    if (accounts.length) signer.set({ kind: 'injected', address: checksumAddress(accounts[0]) });
    else disconnect();
  });
  window.ethereum.on('chainChanged', (value) => walletChainId.set(parseChainId(value)));
}

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
    if (accounts?.length && !signer.get()) {
      signer.set({ kind: 'injected', address: checksumAddress(accounts[0]) });
      followWallet();
      await readWalletChain();
    }
  }
}

export const hasInjectedWallet = () => typeof window.ethereum?.request === 'function';

export async function connectInjected(): Promise<void> {
  const accounts = (await window.ethereum!.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts?.length) throw new Error('the wallet shared no account');
  signer.set({ kind: 'injected', address: checksumAddress(accounts[0]) });
  remember({ kind: 'injected' });
  followWallet();
  await readWalletChain();
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
  if (s.kind === 'injected') return signInjected(s.address, json);
  const digest = typedDataHash(JSON.parse(json) as TypedData);
  if (digest.toLowerCase() !== hash.toLowerCase())
    throw new Error(`the node's digest ${hash} is not the typed data's ${digest}: not signing`);
  return signDigest(s.key.secret, digest);
}

/** WALLET_WRONG_CHAIN: the wallet is on `wallet`, the typed data (the node's chain) names `node`. */
export const wrongChain = (wallet: number, node: number) => new ApiError('WALLET_WRONG_CHAIN',
  `The wallet is on chain ${wallet}; this node's chain is ${node}. Switch the wallet to chain ${node} and sign again.`);

// A wallet on another chain refuses the typed data (MetaMask: "Provided chainId must match the active chainId"): the
// page says so before asking when it knows the wallet's chain, and when the wallet refuses anyway it asks the wallet
// which chain it is on, so the user reads which chain to switch to instead of the wallet's raw error.
async function signInjected(address: string, json: string): Promise<string> {
  const domainChain = parseChainId((JSON.parse(json) as TypedData).domain?.chainId);
  const known = walletChainId.get();
  if (domainChain !== null && known !== null && known !== domainChain) throw wrongChain(known, domainChain);
  try {
    return (await window.ethereum!.request({ method: 'eth_signTypedData_v4', params: [address, json] })) as string;
  } catch (err) {
    if ((err as { code?: number })?.code !== 4001 && domainChain !== null) {
      const now = await readWalletChain();
      if (now !== null && now !== domainChain) throw wrongChain(now, domainChain);
    }
    throw err;
  }
}
