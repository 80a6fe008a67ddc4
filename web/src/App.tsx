// The frame: a header (navigation, search, wallet, the live link's state) and the page the URL names.
import { useEffect, useRef, useState } from 'preact/hooks';
import { connectLive, link } from './api/graphql';
import { loadChain } from './api/chain';
import { useSignal } from './api/signal';
import { useRoute, href, type Route } from './ui/router';
import { short } from './ui/format';
import { WalletPanel } from './ui/WalletPanel';
import { restoreSigner } from './wallet/wallet';
import { Overview } from './pages/Overview';
import { Blocks } from './pages/Blocks';
import { Block } from './pages/Block';
import { Transaction } from './pages/Transaction';
import { Account } from './pages/Account';
import { Send } from './pages/Send';
import { Search, NotFound } from './pages/Search';
import { Datanets } from './pages/Datanets';
import { Datanet } from './pages/Datanet';
import { NewDatanet } from './pages/NewDatanet';
import { Models } from './pages/Models';
import { Model } from './pages/Model';
import { Train } from './pages/Train';
import { TrainingJob } from './pages/TrainingJob';
import { Playground } from './pages/Playground';
import { Inference } from './pages/Inference';
import { Rewards } from './pages/Rewards';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview': return <Overview />;
    case 'blocks': return <Blocks after={route.after} />;
    case 'block': return <Block id={route.id} />;
    case 'tx': return <Transaction hash={route.hash} />;
    case 'account': return <Account address={route.address} />;
    case 'send': return <Send to={route.to} />;
    case 'search': return <Search q={route.q} />;
    case 'datanets': return <Datanets after={route.after} />;
    case 'datanet': return <Datanet id={route.id} after={route.after} />;
    case 'newDatanet': return <NewDatanet />;
    case 'models': return <Models after={route.after} />;
    case 'model': return <Model id={route.id} />;
    case 'train': return <Train datanet={route.datanet} />;
    case 'training': return <TrainingJob id={route.id} />;
    case 'playground': return <Playground model={route.model} />;
    case 'inference': return <Inference id={route.id} />;
    case 'rewards': return <Rewards address={route.address} per={route.per} />;
    case 'notFound': return <NotFound path={route.path} />;
  }
}

/** Each page's own title (the tab, history and screen readers name it). */
function titleOf(route: Route): string {
  switch (route.page) {
    case 'overview': return 'Chain overview';
    case 'blocks': return 'Blocks';
    case 'block': return `Block ${/^\d+$/.test(route.id) ? '#' + route.id : short(route.id)}`;
    case 'tx': return `Transaction ${short(route.hash)}`;
    case 'account': return `Account ${short(route.address, 6)}`;
    case 'send': return 'Send OPEN';
    case 'search': return `Search ${route.q}`;
    case 'datanets': return 'Datanets';
    case 'datanet': return `Datanet ${short(route.id)}`;
    case 'newDatanet': return 'Create a datanet';
    case 'models': return 'Models';
    case 'model': return `Model ${short(route.id)}`;
    case 'train': return 'Model Factory';
    case 'training': return `Training job ${short(route.id)}`;
    case 'playground': return 'Inference playground';
    case 'inference': return `Inference ${short(route.id)}`;
    case 'rewards': return `Rewards of ${short(route.address, 6)}`;
    case 'notFound': return 'No such page';
  }
}

function LinkState() {
  const state = useSignal(link);
  if (state === 'connected') return <span class="link-state ok" data-testid="link-state">Live</span>;
  return (
    <span class={`link-state ${state}`} role="status" data-testid="link-state">
      {state === 'reconnecting' ? 'Connection lost, reconnecting…' : 'Connecting…'}
    </span>);
}

export function App() {
  const route = useRoute();
  const [q, setQ] = useState('');
  const main = useRef<HTMLElement>(null);
  useEffect(() => { connectLive(); restoreSigner(); loadChain().catch(() => { /* each page shows its own error */ }); }, []);
  // A new page takes the focus (screen readers announce it) and starts at the top.
  useEffect(() => {
    document.title = `${titleOf(route)} · OpenLedger`;
    scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [route]);
  const current = (p: Route['page']) => (route.page === p ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <header class="top">
        <a class="brand" href={href.overview()}>OpenLedger</a>
        <nav aria-label="Main">
          <a href={href.overview()} aria-current={current('overview')}>Overview</a>
          <a href={href.blocks()} aria-current={current('blocks')}>Blocks</a>
          <a href={href.datanets()} aria-current={current('datanets') ?? current('datanet') ?? current('newDatanet')}>Datanets</a>
          <a href={href.models()} aria-current={current('models') ?? current('model')}>Models</a>
          <a href={href.train()} aria-current={current('train') ?? current('training')}>Train</a>
          <a href={href.send()} aria-current={current('send')}>Send</a>
          <a href={href.playground()} aria-current={current('playground')}>Playground</a>
        </nav>
        <form role="search" class="search" onSubmit={(e) => { e.preventDefault(); if (q.trim()) location.hash = href.search(q.trim()); }}>
          <label for="search-input" class="visually-hidden">Search by address, hash, id or block height</label>
          <input id="search-input" type="search" value={q} placeholder="Address, hash, id or block height"
            onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          <button type="submit">Search</button>
        </form>
        <LinkState />
        <WalletPanel />
      </header>
      <main id="main" ref={main} tabIndex={-1}><Page route={route} /></main>
      <footer class="foot">Data from this node's public GraphQL API at <code>/graphql</code>.</footer>
    </>
  );
}
