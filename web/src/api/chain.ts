// The chain's rules, read once: whether it is a dev chain (the dev account picker), its gas schedule and floor (the
// fee shown before signing).
import { gql } from './graphql';
import { CHAIN } from './documents';
import { signal } from './signal';

export interface ChainInfo {
  chainId: number; name: string; dev: boolean; headHeight: number; blockIntervalMs: number;
  gasPriceFloor: string; gasSchedule: { kind: string; gas: number }[]; genesisHash: string; producer: string;
  /** A dev chain's public seed and how many accounts its genesis funds (null on any other chain). */
  devAccounts: { seed: string; count: number } | null;
  /** The largest contribution content in bytes: a bigger file is refused before it is read or sent. */
  maxContributionBytes: number;
}

export const chain = signal<ChainInfo | null>(null);
let loading: Promise<ChainInfo> | undefined;

export function loadChain(): Promise<ChainInfo> {
  loading ??= gql<{ chain: ChainInfo }>(CHAIN).then((d) => { chain.set(d.chain); return d.chain; },
    (e) => { loading = undefined; throw e; });
  return loading;
}
