// Routing by the URL's hash (#/block/12): every page has its own address, the server serves one file, and no server
// fallback is needed.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'blocks'; after?: string }
  | { page: 'block'; id: string }
  | { page: 'tx'; hash: string }
  | { page: 'account'; address: string }
  | { page: 'send'; to?: string }
  | { page: 'search'; q: string }
  | { page: 'datanets'; after?: string }
  | { page: 'newDatanet' }
  | { page: 'datanet'; id: string; after?: string }
  | { page: 'models'; after?: string }
  | { page: 'model'; id: string }
  | { page: 'train'; datanet?: string }
  | { page: 'training'; id: string }
  | { page: 'playground'; model?: string }
  | { page: 'inference'; id: string }
  | { page: 'rewards'; address: string; per?: string }
  | { page: 'notFound'; path: string };

export function parse(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const [base, query = ''] = path.split('?');
  const parts = base.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case undefined: return { page: 'overview' };
    case 'blocks': return { page: 'blocks', after: params.get('after') ?? undefined };
    case 'block': if (parts[1]) return { page: 'block', id: parts[1] }; break;
    case 'tx': if (parts[1]) return { page: 'tx', hash: parts[1] }; break;
    case 'account': if (parts[1]) return { page: 'account', address: parts[1] }; break;
    case 'send': return { page: 'send', to: params.get('to') ?? undefined };
    case 'search': return { page: 'search', q: params.get('q') ?? '' };
    case 'datanets': if (parts[1] === 'new') return { page: 'newDatanet' };
      if (!parts[1]) return { page: 'datanets', after: params.get('after') ?? undefined }; break;
    case 'datanet': if (parts[1]) return { page: 'datanet', id: parts[1], after: params.get('after') ?? undefined }; break;
    case 'models': return { page: 'models', after: params.get('after') ?? undefined };
    case 'model': if (parts[1]) return { page: 'model', id: parts[1] }; break;
    case 'train': return { page: 'train', datanet: params.get('datanet') ?? undefined };
    case 'training': if (parts[1]) return { page: 'training', id: parts[1] }; break;
    case 'playground': return { page: 'playground', model: params.get('model') ?? undefined };
    case 'inference': if (parts[1]) return { page: 'inference', id: parts[1] }; break;
    case 'rewards': if (parts[1]) return { page: 'rewards', address: parts[1], per: params.get('per') ?? undefined }; break;
  }
  return { page: 'notFound', path };
}

export const href = {
  overview: () => '#/',
  blocks: (after?: string) => (after ? `#/blocks?after=${encodeURIComponent(after)}` : '#/blocks'),
  block: (id: string | number) => `#/block/${id}`,
  tx: (hash: string) => `#/tx/${hash}`,
  account: (address: string) => `#/account/${address}`,
  send: (to?: string) => (to ? `#/send?to=${to}` : '#/send'),
  search: (q: string) => `#/search?q=${encodeURIComponent(q)}`,
  datanets: (after?: string) => (after ? `#/datanets?after=${encodeURIComponent(after)}` : '#/datanets'),
  newDatanet: () => '#/datanets/new',
  datanet: (id: string, after?: string) => (after ? `#/datanet/${id}?after=${encodeURIComponent(after)}` : `#/datanet/${id}`),
  models: (after?: string) => (after ? `#/models?after=${encodeURIComponent(after)}` : '#/models'),
  model: (id: string) => `#/model/${id}`,
  train: (datanet?: string) => (datanet ? `#/train?datanet=${datanet}` : '#/train'),
  training: (id: string) => `#/training/${id}`,
  playground: (model?: string) => (model ? `#/playground?model=${model}` : '#/playground'),
  inference: (id: string) => `#/inference/${id}`,
  rewards: (address: string) => `#/rewards/${address}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => setRoute(parse(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
