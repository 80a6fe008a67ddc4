// Loads a GraphQL query for a page and re-runs it when its key changes or when asked (refresh after live events).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { gql } from '../api/graphql';

export interface QueryState<T> { data?: T; error?: unknown; loading: boolean; refresh: () => void }

export function useQuery<T>(query: string, variables: Record<string, unknown> | null, key: string): QueryState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; key?: string }>({ loading: variables !== null });
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    if (variables === null) return;
    const run = ++current.current;
    setState((s) => ({ data: tick > 0 ? s.data : undefined, loading: true }));
    gql<T>(query, variables).then(
      (data) => { if (run === current.current) setState({ data, loading: false, key }); },
      (error) => { if (run === current.current) setState({ error, loading: false, key }); });
  }, [key, tick]);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  // A new key's first render must not show the old key's answer (the effect above clears it only after that render):
  // a pager would otherwise show page 2's label over page 1's rows for a frame.
  if (state.key !== undefined && state.key !== key && tick === 0) return { loading: true, refresh };
  return { ...state, refresh };
}
