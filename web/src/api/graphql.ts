// The app's only way out: the same origin's /graphql, over HTTP for queries and mutations and over
// graphql-transport-ws for subscriptions. Errors keep the API's stable code (extensions.code) for the user to see.
import { createClient, type Client } from 'graphql-ws';
import { signal } from './signal';

/** A failed request: the API's code (or a transport one) and the message it gave. */
export class ApiError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

export async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new ApiError('NETWORK', 'The node did not answer: is it running?');
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP_${response.status}`, `The node answered ${response.status} without GraphQL.`);
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.extensions?.code ?? 'GRAPHQL_ERROR', first.message);
  }
  if (body.data === undefined || body.data === null) throw new ApiError('NO_DATA', 'The node answered without data.');
  return body.data;
}

/** Whether the subscription socket is up: the header shows it, and a lost socket says it is reconnecting. */
export type Link = 'connecting' | 'connected' | 'reconnecting';
export const link = signal<Link>('connecting');

let client: Client | undefined;
let everConnected = false;
function ws(): Client {
  if (client) return client;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const mine = createClient({
    url: `${scheme}//${location.host}/graphql`,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    // Back off 0.5, 1, 2, 4 s then every 5 s: a restarted node is found again within seconds.
    retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** retries))),
    // A close graphql-ws deems fatal (an internal error code) ends this client: drop it, and the subscriptions
    // (below) start again on a new one. The header says so meanwhile; nothing for the console.
    onNonLazyError: () => {
      if (client === mine) client = undefined;
      link.set(everConnected ? 'reconnecting' : 'connecting');
      mine.dispose();
    },
    on: {
      connected: () => { everConnected = true; link.set('connected'); },
      closed: () => link.set(everConnected ? 'reconnecting' : 'connecting'),
      error: () => link.set(everConnected ? 'reconnecting' : 'connecting'),
    },
  });
  client = mine;
  return mine;
}

/** Opens the subscription socket now, so the header's link state is true on every page, not only live ones. */
export const connectLive = () => { ws(); };

type GqlError = { message: string; extensions?: { code?: string } };
const toApiError = (e: GqlError | undefined) => new ApiError(e?.extensions?.code ?? 'GRAPHQL_ERROR', e?.message ?? 'subscription failed');

/** Subscribes; returns the function that ends it. `onError` gets the API's code when the operation itself fails; a
 * lost connection is not an error here: the operation is resumed on the next connection. */
export function subscribe<T>(query: string, variables: Record<string, unknown>, onNext: (data: T) => void,
  onError?: (e: ApiError) => void, onComplete?: () => void): () => void {
  let stopped = false;
  let stop: () => void = () => {};
  const start = () => {
    stop = ws().subscribe<T>({ query, variables }, {
      next: (r) => {
        if (r.errors?.length) onError?.(toApiError(r.errors[0] as GqlError));
        else if (r.data) onNext(r.data as T);
      },
      error: (e) => {
        if (Array.isArray(e)) onError?.(toApiError(e[0] as GqlError));
        else if (!stopped) setTimeout(() => { if (!stopped) start(); }, 1000);
      },
      complete: () => onComplete?.(),
    });
  };
  start();
  return () => { stopped = true; stop(); };
}
