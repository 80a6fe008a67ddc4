// The GraphQL documents of the inference playground, the inference page (with its attribution evidence) and the
// rewards feed, apart from documents.ts so the pages of each part of the app stay in their own files.

// Models a caller can pay for: the active ones, newest first, with what one inference costs.
export const ACTIVE_MODELS = `query Models { models(first: 50, status: ACTIVE) { nodes { id name price version baseModel owner } } }`;
export const MODEL_PRICE = `query ModelPrice($id: Hash!) { model(id: $id) { id name price version status } }`;

// The input is stored first (its hash is what the RequestInference transaction names), then the intent is signed.
export const UPLOAD_INPUT = `mutation UploadInput($text: String!) { uploadContent(text: $text) { hash size } }`;
export const TYPED_REQUEST_INFERENCE = `mutation TypedRequestInference($i: RequestInferenceIntent!) {
  typedData(requestInference: $i) { json hash primaryType } }`;

// One inference with everything its page shows but the evidence. The API prices each stored text at about 1,000
// complexity points and each list at its bound (100 items unless declared), under a cap of 20,000 a request: the
// evidence is a second read, made once the inference is settled.
export const INFERENCE = `query Inference($id: Hash!) { inference(id: $id) {
  id status modelId modelVersion model { id name price } caller input inputText output outputText server escrow
  ownerBps contributorsBps protocolBps record settler createdHeight deadlineHeight expiresAt resolvedHeight
  provenance { modelVersion adapter trainingRecord baseModel datanetVersions input output server }
  attributionFailure { code message attempts }
  rewards { height sequence amount detail party contribution } } }`;
// The evidence: the top contributions with their text, every credited one without it (the shares' sum, and the
// datanet of each contribution a span names), and the spans.
export const TOP_CONTRIBUTIONS = 8;
export const EVIDENCE = `query Evidence($id: Hash!) { inference(id: $id) { id attribution {
  method maxAttributions indexHash outputTokens namesThisInference record { hash }
  contributions(first: ${TOP_CONTRIBUTIONS}) { contributionId score share weight payout
    contribution { id contributor datanetId datanet { name } text } }
  all: contributions(first: 100) { contributionId share payout contribution { id datanetId datanet { name } } }
  spans { start length count text contributionIds } } } }`;
// The subscription only says that something changed (requested -> served -> settled/expired); the page reads it again.
export const INFERENCE_SUB = `subscription InferenceChanged($id: Hash!) { inference(id: $id) { id status output record } }`;

// The rewards feed: the totals (with the names of the datanets and models that paid, for the feed's rows) and the
// cumulative series as of one height, the latest credits, then the subscription
// from the next height on (replayed by the node if they committed between the two reads).
export const REWARD_FEED = `query RewardFeed($address: Address!, $bucketSeconds: Int!, $buckets: Int!, $first: Int!) { account(address: $address) {
  address
  rewards { total count asOfHeight byRole { scope amount count }
    byDatanet { scope datanet { id name } } byModel { scope model { id name } } }
  rewardSeries(bucketSeconds: $bucketSeconds, buckets: $buckets) { total asOfHeight buckets { end cumulative } }
  rewardHistory(first: $first) { nodes { height sequence amount detail datanet model contribution inference timestamp }
    pageInfo { hasNextPage endCursor } } } }`;
export const REWARD_CREDITS_SUB = `subscription RewardCredits($address: Address!, $fromHeight: Long) { rewards(address: $address, fromHeight: $fromHeight) {
  height sequence amount detail datanet model contribution inference timestamp } }`;

/** What INFERENCE answers (the fields the pages read). Amounts are wei as decimal strings. */
export interface ContributionRef { id: string; datanetId: string; datanet: { name: string } | null }
export interface AttributedContribution {
  contributionId: string; score: number; share: number; weight: number; payout: string | null;
  contribution: (ContributionRef & { contributor: string; text: string | null }) | null;
}
export interface AttributionSpan { start: number; length: number; count: number; text: string | null; contributionIds: string[] }
export interface Attribution {
  method: string; maxAttributions: number; indexHash: string; outputTokens: number; namesThisInference: boolean; record: { hash: string };
  contributions: AttributedContribution[]; spans: AttributionSpan[];
  /** Every credited contribution (up to 100), without text: the shares' sum and the count. */
  all: { contributionId: string; share: number; payout: string | null; contribution: ContributionRef | null }[];
}
export interface RewardCredit { height: number; sequence: number; amount: string | null; detail: string | null; party: string | null; contribution: string | null }
export interface InferenceData {
  id: string; status: 'REQUESTED' | 'SERVED' | 'SETTLED' | 'EXPIRED'; modelId: string; modelVersion: number; model: { id: string; name: string; price: string } | null;
  caller: string; input: string; inputText: string | null; output: string | null; outputText: string | null; server: string | null; escrow: string;
  ownerBps: number; contributorsBps: number; protocolBps: number; record: string | null; settler: string | null;
  createdHeight: number; deadlineHeight: number; expiresAt: string | null; resolvedHeight: number | null;
  provenance: { modelVersion: number; adapter: string; trainingRecord: string; baseModel: string; datanetVersions: string[]; input: string; output: string | null; server: string | null } | null;
  attributionFailure: { code: string; message: string; attempts: number } | null;
  rewards: RewardCredit[];
}
