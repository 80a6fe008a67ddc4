// Search by what people paste: an address goes to its account, a height to its block, a 32-byte hash to the
// transaction or block it names (asked of the node in one request).
import { useEffect, useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { SEARCH_HASH, SEARCH_HEIGHT } from '../api/documents';
import { href } from '../ui/router';
import { isAddress, isHash } from '../ui/format';
import { ErrorBox, Loading, Empty } from '../ui/states';

export async function resolveSearch(q: string): Promise<string | null> {
  const s = q.trim();
  if (isAddress(s)) return href.account(s);
  if (/^#?\d{1,18}$/.test(s)) {
    const h = Number(s.replace('#', ''));
    const d = await gql<{ block: { height: number } | null }>(SEARCH_HEIGHT, { height: h });
    return d.block ? href.block(h) : null;
  }
  if (isHash(s)) {
    const d = await gql<{ transaction: { hash: string } | null; block: { height: number } | null }>(SEARCH_HASH, { hash: s });
    if (d.transaction) return href.tx(s);
    if (d.block) return href.block(d.block.height);
    return null;
  }
  throw new ApiError('UNRECOGNISED_QUERY', 'Search takes an address (0x + 40 hex digits), a transaction or block hash (0x + 64 hex digits) or a block height.');
}

export function Search({ q }: { q: string }) {
  const [state, setState] = useState<{ error?: unknown; none?: boolean }>({});
  useEffect(() => {
    setState({});
    resolveSearch(q).then((target) => { if (target) location.replace(target); else setState({ none: true }); },
      (error) => setState({ error }));
  }, [q]);
  if (state.error) return <section data-ready="search"><h1>Search</h1><ErrorBox error={state.error} title={`Nothing to look up for "${q}"`} /></section>;
  if (state.none) return <section data-ready="search"><h1>Search</h1>
    <Empty>No block or transaction on this node matches <span class="mono wrap">{q}</span>.</Empty></section>;
  return <Loading what={`"${q}"`} />;
}

export function NotFound({ path }: { path: string }) {
  return <section data-ready="not-found"><h1>No such page</h1><Empty>There is no page at <span class="mono">{path}</span>. <a href={href.overview()}>Go to the overview</a>.</Empty></section>;
}
