// The header's wallet: connect an EIP-1193 wallet, or on a dev chain pick a public dev account.
import { useState } from 'preact/hooks';
import { chain } from '../api/chain';
import { useSignal } from '../api/signal';
import { connectInjected, disconnect, hasInjectedWallet, signer, chooseDevAccount } from '../wallet/wallet';
import { DEV_SEED } from '../wallet/devKeys';
import { href } from './router';
import { short } from './format';

export function WalletPanel() {
  const current = useSignal(signer);
  const info = useSignal(chain);
  const [error, setError] = useState<string | null>(null);
  const [index, setIndex] = useState('0');
  const [seed, setSeed] = useState(DEV_SEED);

  if (current)
    return (
      <div class="wallet" aria-label="Wallet">
        <span class="who">{current.kind === 'dev' ? `Dev account ${current.key.index} (public key)` : 'Wallet'}:{' '}
          <a href={href.account(current.address)} data-testid="signer-address" title={current.address}>{short(current.address, 6)}</a></span>
        <button type="button" class="link" onClick={disconnect}>Disconnect</button>
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
      {info?.dev && (
        <details class="dev-picker">
          <summary>Dev accounts</summary>
          <form onSubmit={(e) => { e.preventDefault(); chooseDevAccount(seed, Number(index)); }}>
            <p class="warning">This is a dev chain. These keys are <strong>public</strong>, derived in your browser from a
              published seed: anyone can spend from them. Never use them on a real chain.</p>
            <label>Account <input type="number" min="0" max="9999" value={index} required
              onInput={(e) => setIndex((e.target as HTMLInputElement).value)} /></label>
            <label>Seed <input type="text" value={seed} onInput={(e) => setSeed((e.target as HTMLInputElement).value)} /></label>
            <button type="submit">Use dev account</button>
          </form>
        </details>
      )}
      {error && <p class="state error" role="alert">{error}</p>}
    </div>
  );
}
