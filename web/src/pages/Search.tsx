// Search by what people paste, as the node searches it (`search(text)`): a height, a hash or an address names a block,
// a transaction, an account or a marketplace object (datanet, contribution, version, model, inference). A first match
// with a page of its own opens it; otherwise the page lists what matched, linking only what has a page.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api/graphql';
import { SEARCH } from '../api/documents';
import { href } from '../ui/router';
import { short } from '../ui/format';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { TxLink, DatanetLink } from '../ui/links';

export interface SearchMatch {
  kind: 'BLOCK' | 'TRANSACTION' | 'ACCOUNT' | 'DATANET' | 'CONTRIBUTION' | 'DATANET_VERSION' | 'MODEL' | 'INFERENCE';
  key: string;
  block: { height: number; transactionCount: number } | null;
  transaction: { hash: string; kind: string; status: string } | null;
  datanet: { id: string; name: string } | null;
  contribution: { id: string; status: string; datanetId: string; datanet: { name: string } | null } | null;
  datanetVersion: { number: number; datanetId: string; datanet: { name: string } | null } | null;
  model: { id: string; name: string } | null;
  inference: { id: string; status: string } | null;
}

/** The page a match has, or null for kinds without one yet (models). */
export function pageOf(m: SearchMatch): string | null {
  switch (m.kind) {
    case 'BLOCK': return href.block(m.block?.height ?? m.key);
    case 'TRANSACTION': return href.tx(m.key);
    case 'ACCOUNT': return href.account(m.key);
    case 'DATANET': return href.datanet(m.key);
    case 'CONTRIBUTION': return m.contribution ? href.datanet(m.contribution.datanetId) : null;
    case 'DATANET_VERSION': return m.datanetVersion ? href.datanet(m.datanetVersion.datanetId) : null;
    case 'MODEL': return href.model(m.key);
    case 'INFERENCE': return href.inference(m.key);
    default: return null;
  }
}

export async function searchFor(q: string): Promise<SearchMatch[]> {
  return (await gql<{ search: SearchMatch[] }>(SEARCH, { text: q.trim() })).search;
}

function Match({ m }: { m: SearchMatch }) {
  switch (m.kind) {
    case 'BLOCK': return <>Block <a href={href.block(m.key)}>#{m.key}</a></>;
    case 'TRANSACTION': return <>Transaction <TxLink hash={m.key} /> ({m.transaction?.kind}, {m.transaction?.status.toLowerCase()})</>;
    case 'ACCOUNT': return <>Account <a href={href.account(m.key)} class="mono">{m.key}</a></>;
    case 'DATANET': return <>Datanet <DatanetLink id={m.key} name={m.datanet?.name} /></>;
    case 'CONTRIBUTION': return <>Contribution <span class="mono" title={m.key}>{short(m.key)}</span> ({m.contribution?.status.toLowerCase()})
      to datanet <DatanetLink id={m.contribution?.datanetId} name={m.contribution?.datanet?.name} /></>;
    case 'DATANET_VERSION': return <>Version {m.datanetVersion?.number} of datanet <DatanetLink id={m.datanetVersion?.datanetId} name={m.datanetVersion?.datanet?.name} /></>;
    case 'MODEL': return <>Model <a href={href.model(m.key)} title={m.key}>{m.model?.name ?? short(m.key)}</a></>;
    case 'INFERENCE': return <>Inference <a href={href.inference(m.key)} class="mono" title={m.key}>{short(m.key)}</a> ({m.inference?.status.toLowerCase()})</>;
  }
}

export function Search({ q }: { q: string }) {
  const [state, setState] = useState<{ error?: unknown; matches?: SearchMatch[] }>({});
  useEffect(() => {
    setState({});
    searchFor(q).then((matches) => {
      const target = matches.length ? pageOf(matches[0]) : null;
      // Only the object itself opens directly: a contribution or a version is shown in the list (its datanet linked).
      if (target && ['BLOCK', 'TRANSACTION', 'ACCOUNT', 'DATANET', 'MODEL', 'INFERENCE'].includes(matches[0].kind)) location.replace(target);
      else setState({ matches });
    }, (error) => setState({ error }));
  }, [q]);
  if (state.error) return <section data-ready="search"><h1>Search</h1><ErrorBox error={state.error} title={`Nothing to look up for "${q}"`} /></section>;
  if (state.matches?.length === 0) return <section data-ready="search"><h1>Search</h1>
    <Empty>Nothing on this node matches <span class="mono wrap">{q}</span>: no block, transaction, datanet, contribution, version, model or inference.</Empty></section>;
  if (state.matches) return (
    <section data-ready="search" aria-labelledby="search-title">
      <h1 id="search-title">Search</h1>
      <p><span class="mono wrap">{q}</span> names:</p>
      <ul data-testid="search-matches">{state.matches.map((m) => <li key={m.kind + m.key} data-kind={m.kind}><Match m={m} /></li>)}</ul>
    </section>);
  return <Loading what={`"${q}"`} />;
}

export function NotFound({ path }: { path: string }) {
  return <section data-ready="not-found"><h1>No such page</h1><Empty>There is no page at <span class="mono">{path}</span>. <a href={href.overview()}>Go to the overview</a>.</Empty></section>;
}
