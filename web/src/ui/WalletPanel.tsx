// The header's wallet: connect an EIP-1193 wallet, or on a dev chain pick a public dev account. The seed and the
// number of funded accounts come from the node (`chain { devAccounts }`): the page never guesses them.
import { useState } from 'preact/hooks';
import { chain } from '../api/chain';
import { useSignal } from '../api/signal';
import { connectInjected, disconnect, hasInjectedWallet, signer, chooseDevAccount, walletChainId } from '../wallet/wallet';
import { href } from './router';
import { short } from './format';

export function WalletPanel() {
  const current = useSignal(signer);
  const info = useSignal(chain);
  const walletChain = useSignal(walletChainId);
  const [error, setError] = useState<string | null>(null);
  const [index, setIndex] = useState('0');

  if (current)
    return (
      <div class="wallet" aria-label="Wallet">
        <span class="who">{current.kind === 'dev' ? `Dev account ${current.key.index} (public key)` : 'Wallet'}:{' '}
          <a href={href.account(current.address)} data-testid="signer-address" title={current.address}>{short(current.address, 6)}</a></span>
        <a href={href.rewards(current.address)} data-testid="my-rewards">My rewards</a>
        <button type="button" class="link" onClick={disconnect}>Disconnect</button>
        {current.kind === 'injected' && info && walletChain !== null && walletChain !== info.chainId && (
          <p class="state error wrong-chain" role="alert" data-testid="wallet-wrong-chain" data-wallet-chain={walletChain} data-node-chain={info.chainId}>
            <code class="code">WALLET_WRONG_CHAIN</code> Your wallet is on chain {walletChain}; this node's chain is{' '}
            <strong>{info.chainId}</strong>. Switch the wallet to chain {info.chainId} to sign (it refuses to sign for another chain).
          </p>)}
      </div>
    );

  const connect = async () => {
    setError(null);
    try { await connectInjected(); } catch (e) { setError(e instanceof Error ? e.message : String(e)); }
  };
  return (
    <div class="wallet" aria-label="Wallet">
      {hasInjectedWallet()
        ? <button type="button" onClick={connect}>Connect wallet</button>
        : <span class="muted">No browser wallet found</span>}
      {info?.dev && info.devAccounts && (
        <details class="dev-picker">
          <summary>Dev accounts</summary>
          <form onSubmit={(e) => { e.preventDefault(); chooseDevAccount(info.devAccounts!.seed, Number(index)); }}>
            <p class="warning">This is a dev chain. These keys are <strong>public</strong>, derived in your browser from a
              published seed: anyone can spend from them. Never use them on a real chain.</p>
            <label>Account (0 to {info.devAccounts.count - 1}) <input type="number" min="0" max={info.devAccounts.count - 1} value={index} required
              onInput={(e) => setIndex((e.target as HTMLInputElement).value)} /></label>
            <p>Seed (from this node): <code data-testid="dev-seed">{info.devAccounts.seed}</code></p>
            <button type="submit">Use dev account</button>
          </form>
        </details>
      )}
      {error && <p class="state error" role="alert">{error}</p>}
    </div>
  );
}
