// Model Factory, second round: an owner's jobs listed by the node (trainingJobs(owner:), so older jobs are not lost
// behind the node's latest).

export const OWNER_JOBS = `query OwnerJobs($owner: Address!, $limit: Int) { trainingJobs(owner: $owner, limit: $limit) {
  id status owner datanet versionNumber step totalSteps loss evalLoss createdMs } }`;

/** How many of an owner's jobs the Model Factory page lists (the node's maximum for one request). */
export const OWNER_JOBS_LIMIT = 100;
