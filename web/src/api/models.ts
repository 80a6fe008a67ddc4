// The GraphQL documents of the Models and Model Factory pages (the browser tests validate them against a real node),
// and the one step they add to wallet/submit.ts: signing typed data that is not a transaction (a training request or
// a cancellation is presented to the node, not sent to the chain).
import { ApiError } from './graphql';
import { typedDataHash, type TypedData } from '../crypto/eip712';
import { signTypedData } from '../wallet/wallet';

export const MODELS = `query Models($first: Int!, $after: String) { models(first: $first, after: $after) {
  nodes { id name owner baseModel price status version inferenceCount createdHeight }
  pageInfo { hasNextPage endCursor } } }`;

// One model: its split as the chain holds it, its versions with the datanet versions each was trained on, its latest
// inferences and its revenue per hour over the last day.
export const MODEL = `query Model($id: Hash!) { model(id: $id) {
  id name owner baseModel price ownerBps contributorsBps protocolBps status version createdHeight inferenceCount
  versions { number adapter trainingRecord height datanetVersions { id number root count datanetId datanet { name } } }
  inferences(first: 10) { nodes { id caller status escrow createdHeight } }
  revenueSeries(bucketSeconds: 3600, buckets: 24) { revenue complete buckets { start requested settled revenue } } } }`;

const JOB = `id status owner datanet versionNumber datanetVersion baseModel rank alpha learningRate epochs steps batchSize seed
  schedule labelSmoothing earlyStopping labelScoring
  examples step totalSteps loss evalLoss initialEvalLoss tokensPerSecond etaSeconds adapter trainingRecord
  accuracy baseAccuracy errorCode message createdMs startedMs finishedMs sequence`;
// The page's first read carries the job's stored loss curve; the subscription then adds each new step.
export const TRAINING_JOB = `query Job($id: Hash!) { trainingJob(id: $id) { ${JOB} lossHistory { step loss evalLoss } } }`;
export const TRAINING_JOB_SUB = `subscription Job($id: Hash!) { trainingJob(id: $id) { ${JOB} } }`;
export const DATANET_NAME = `query DatanetName($id: Hash!) { datanet(id: $id) { id name } }`;

// Starting a job: the datanets' versions to choose from, the cost rule's limits (shown before signing with the signer's
// balance), the StartTrainingJob payload, and the signed request.
export const TRAIN_DATANET = `query TrainDatanet($id: Hash!) { datanet(id: $id) { id name taskKind versionCount
  versions(first: 20) { nodes { id number root count } } } }`;
export const TRAIN_RULE = `query Rule { trainingCostRule { minimumBalance maxActiveJobsPerOwner maxExamplePassesPerJob } }`;
export const TRAINING_TYPED = `query TrainTyped($i: TrainingJobInput!, $owner: Address!, $deadline: Long!) {
  trainingJobTypedData(input: $i, owner: $owner, deadline: $deadline) }`;
export const START_TRAINING = `mutation Start($i: TrainingJobInput!, $a: TrainingAuthorizationInput) {
  startTrainingJob(input: $i, authorization: $a) { id status } }`;
export const CANCEL_TYPED = `query CancelTyped($id: Hash!, $owner: Address!, $deadline: Long!) {
  cancelTrainingJobTypedData(id: $id, owner: $owner, deadline: $deadline) }`;
export const CANCEL_TRAINING = `mutation Cancel($id: Hash!, $a: TrainingAuthorizationInput) {
  cancelTrainingJob(id: $id, authorization: $a) { id status } }`;
export const TYPED_REGISTER = `mutation TypedRegister($i: RegisterModelIntent!) { typedData(registerModel: $i) { json hash primaryType } }`;

/** A signed request to present to the node: the owner, its deadline and the signature over the node's payload. */
export interface Authorization { owner: string; deadline: number; signature: string }

/** How long a signed request stays valid: long enough to reach the node, far under the node's one-hour limit. */
const VALID_SECONDS = 600;
export const deadlineFromNow = () => Math.floor(Date.now() / 1000) + VALID_SECONDS;

/** Signs the node's EIP-712 payload (JSON text) as `owner`; a wallet's "no" is USER_REJECTED, as for transactions.
 * The payload is checked first against what the page asked for (its type, and `expected` message fields: owner, job or
 * datanet, deadline): these payloads come with no digest of the node's to compare, so the page does not sign what it
 * did not ask for (PAYLOAD_MISMATCH). */
export async function authorize(json: string, owner: string, deadline: number, primaryType: string,
  expected: Record<string, string>): Promise<Authorization> {
  const typed = JSON.parse(json) as TypedData;
  const wanted: Record<string, string> = { ...expected, owner, deadline: String(deadline) };
  const wrong = typed.primaryType !== primaryType ? 'primaryType'
    : Object.keys(wanted).find((k) => String(typed.message[k]).toLowerCase() !== wanted[k].toLowerCase());
  if (wrong) throw new ApiError('PAYLOAD_MISMATCH', `the node's ${typed.primaryType} payload differs from the request in its ${wrong}: not signing`);
  try {
    const signature = await signTypedData(json, typedDataHash(typed));
    return { owner, deadline, signature };
  } catch (err) {
    if (err instanceof ApiError) throw err; // already a code (WALLET_WRONG_CHAIN)
    const rejected = (err as { code?: number })?.code === 4001;
    throw new ApiError(rejected ? 'USER_REJECTED' : 'WALLET', err instanceof Error ? err.message : String(err));
  }
}
