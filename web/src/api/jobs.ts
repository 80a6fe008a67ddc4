// Model Factory, second round: an owner's jobs listed by the node (trainingJobs(owner:), so older jobs are not lost
// behind the node's latest), and merging a job's stored loss curve (lossHistory, read with the job) with the points
// its live subscription adds.
import type { LossPoint } from '../ui/LossChart';

export const OWNER_JOBS = `query OwnerJobs($owner: Address!, $limit: Int) { trainingJobs(owner: $owner, limit: $limit) {
  id status owner datanet versionNumber step totalSteps loss evalLoss createdMs } }`;

/** How many of an owner's jobs the Model Factory page lists (the node's maximum for one request). */
export const OWNER_JOBS_LIMIT = 100;

/** Merges `incoming` points into `points` (both ascending by step): one point per step, the incoming one winning, since
 * it is the newer report of that step (a live update, or the history read after it). */
export function mergePoints(points: LossPoint[], incoming: LossPoint[]): LossPoint[] {
  if (incoming.length === 0) return points;
  const byStep = new Map<number, LossPoint>();
  for (const p of points) byStep.set(p.step, p);
  for (const p of incoming) byStep.set(p.step, p);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
