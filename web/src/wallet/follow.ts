// Follows a submitted transaction to its commit and says how it ended: a committed transaction can still have failed
// (its receipt's error code, e.g. AlreadyCurated when another curator decided first), which a form must show.
import { subscribe, ApiError } from '../api/graphql';
import { TRANSACTION_OUTCOME_SUB } from '../api/documents';

export interface Outcome { status: string; blockHeight: number | null; succeeded: boolean | null; errorCode: string | null }

/** Calls `onUpdate` with each status (PENDING, then COMMITTED with its receipt); resolves with the committed outcome,
 * or rejects with TIMEOUT after two minutes (the page still links the transaction). */
export function follow(hash: string, onUpdate?: (o: Outcome) => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let done = false;
    const stop = subscribe<{ transaction: { status: string; blockHeight: number | null; receipt: { succeeded: boolean; errorCode: string | null } | null } }>(
      TRANSACTION_OUTCOME_SUB, { hash }, (d) => {
        const t = d.transaction;
        const o: Outcome = { status: t.status, blockHeight: t.blockHeight, succeeded: t.receipt?.succeeded ?? null, errorCode: t.receipt?.errorCode ?? null };
        onUpdate?.(o);
        if (t.status === 'COMMITTED' && !done) { done = true; stop(); resolve(o); }
      }, (e) => { if (!done) { done = true; stop(); reject(e); } });
    setTimeout(() => {
      if (!done) { done = true; stop(); reject(new ApiError('TIMEOUT', `${hash} was not committed within two minutes.`)); }
    }, 120_000);
  });
}
