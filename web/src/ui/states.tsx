// The three states every page shows the same way: loading, nothing there, and an error with its code.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/graphql';
import { sentenceFor } from './errors';

export const Loading = ({ what }: { what: string }) =>
  <p class="state loading" role="status" aria-live="polite">Loading {what}…</p>;

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="state empty">{children}</p>;

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="state error" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <p><code class="code" data-error-code={code}>{code}</code> {sentenceFor(code, message)}</p>
      {sentenceFor(code, message) !== message && <p class="detail">{message}</p>}
    </div>
  );
}
