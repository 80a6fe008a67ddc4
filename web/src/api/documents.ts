// Every GraphQL document the app sends, in one place: the browser tests validate the pages against a real node.
export const CHAIN = `{ chain { chainId name dev headHeight blockIntervalMs gasPriceFloor gasSchedule { kind gas } genesisHash producer devAccounts { seed count } maxContributionBytes } mempool { pending ready } }`;

const BLOCK_ROW = `height hash timestamp transactionCount gasUsed producer`;
export const BLOCKS = `query Blocks($first: Int!, $after: String) { blocks(first: $first, after: $after) {
  nodes { ${BLOCK_ROW} } pageInfo { hasNextPage endCursor } } }`;
export const BLOCKS_SUB = `subscription Blocks { blocks { ${BLOCK_ROW} } }`;

const TX_ROW = `hash status kind from to amount nonce blockHeight index receipt { succeeded errorCode fee }`;
export const BLOCK = `query Block($height: Long, $hash: Hash, $after: String) { block(height: $height, hash: $hash) {
  height hash parentHash timestamp transactionsRoot receiptsRoot stateRoot producer producerSignature gasUsed transactionCount
  transactions(first: 50, after: $after) { nodes { ${TX_ROW} } pageInfo { hasNextPage endCursor } } } }`;

export const TRANSACTION = `query Tx($hash: Hash!) { transaction(hash: $hash) {
  hash status kind from to amount nonce blockHeight index fields { name type values }
  receipt { succeeded errorCode gasUsed fee }
  block { height hash timestamp transactionsRoot }
  inclusionProof { item index count root steps { sibling siblingOnLeft } } } }`;
export const TRANSACTION_SUB = `subscription Tx($hash: Hash!) { transaction(hash: $hash) { hash status blockHeight } }`;
// The same, with the receipt: a committed transaction that failed (a stale curation) says why.
export const TRANSACTION_OUTCOME_SUB = `subscription TxOutcome($hash: Hash!) { transaction(hash: $hash) {
  hash status blockHeight receipt { succeeded errorCode } } }`;

export const ACCOUNT = `query Account($address: Address!, $after: String) { account(address: $address) {
  address balance nonce nextNonce pendingCount pendingTransactions
  transactions(first: 25, after: $after) { nodes { ${TX_ROW} } pageInfo { hasNextPage endCursor } }
  rewards { total count asOfHeight byRole { scope amount count } byDatanet { scope amount count datanet { id name } }
    byModel { scope amount count model { id name } } }
  rewardHistory(first: 100) { nodes { height amount detail datanet model inference timestamp } } } }`;
export const REWARDS_SUB = `subscription Rewards($address: Address!) { rewards(address: $address) { height } }`;
export const ACCOUNT_SUB = `subscription Activity($address: Address!) { accountActivity(address: $address) { hash status } }`;

// What a text names, as the node searches it: each match's kind, key and enough of the object to say what it is.
export const SEARCH = `query Search($text: String!) { search(text: $text) { kind key
  block { height transactionCount } transaction { hash kind status } account { address }
  datanet { id name } contribution { id status datanetId datanet { name } } datanetVersion { number datanetId datanet { name } }
  model { id name } inference { id status } } }`;

// The overview's charts start from the node's own counts per bucket; the blocks subscription continues them.
export const CHAIN_ACTIVITY = `query Activity($bucketSeconds: Int!, $buckets: Int!) { chainActivity(bucketSeconds: $bucketSeconds, buckets: $buckets) {
  toHeight buckets { start blocks transactions } } }`;

export const TYPED_TRANSFER = `mutation TypedTransfer($t: TransferIntent!) { typedData(transfer: $t) { json hash primaryType } }`;
export const SEND = `mutation Send($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted hash errorCode errorMessage } }`;
export const SEND_MANY = `mutation SendMany($s: [SignedTransactionInput!]!) { sendTransactions(signed: $s) { accepted hash errorCode errorMessage } }`;
export const BALANCE = `query Balance($address: Address!) { account(address: $address) { balance nextNonce } }`;

// Datanets: the list, and one datanet with its versions and a page of its contributions (newest first).
export const DATANETS = `query Datanets($first: Int!, $after: String) { datanets(first: $first, after: $after) {
  nodes { id name owner taskKind feePerKb stake contributionCount approvedCount pendingCount versionCount createdHeight }
  pageInfo { hasNextPage endCursor } } }`;
export const DATANET = `query Datanet($id: Hash!, $after: String) { datanet(id: $id) {
  id name description owner tags license taskKind feePerKb stake forfeitTo curators createdHeight
  contributionCount approvedCount rejectedCount expiredCount pendingCount versionCount
  versions(first: 20) { nodes { number root count publishedBy createdHeight } }
  contributions(first: 10, after: $after) { nodes { id contributor size fee stake status reason createdHeight text
    nearDuplicates { contributionId similarity } flags { reason score } } pageInfo { hasNextPage endCursor } } } }`;

// Contributing: store the text (checked against the datanet's task format, its near duplicates listed, its cost
// computed by the node's own rule), then the Contribute intent's typed data to sign.
export const UPLOAD_FOR = `mutation Upload($text: String!, $datanet: Hash!) { uploadContent(text: $text, datanet: $datanet) {
  hash normalizedHash size cost { fee stake total } nearDuplicates { contributionId similarity } } }`;
export const TYPED_CONTRIBUTE = `mutation TypedContribute($i: ContributeIntent!) { typedData(contribute: $i) { json hash primaryType } }`;

// Curating (the queue's pages are CURATION_QUEUE_PAGE in datanetWrite.ts): the Curate and PublishVersion intents'
// typed data. The nonce is given: a batch signs consecutive nonces before any of them is pending.
export const TYPED_CURATE = `mutation TypedCurate($i: CurateIntent!) { typedData(curate: $i) { json hash primaryType } }`;
export const TYPED_PUBLISH = `mutation TypedPublish($i: PublishVersionIntent!) { typedData(publishVersion: $i) { json hash primaryType } }`;
// Publishing: the latest approvals (to list what a new version adds) and, once published, the version's root.
export const NEW_APPROVALS = `query Approved($id: Hash!) { datanet(id: $id) { contributions(first: 10, status: APPROVED) {
  nodes { id approvalIndex contributor size text } } } }`;
export const VERSION_ROOT = `query Version($id: Hash!) { datanet(id: $id) { version { number root count publishedBy } } }`;
