// Every GraphQL document the app sends, in one place: the browser tests validate the pages against a real node.
export const CHAIN = `{ chain { chainId name dev headHeight blockIntervalMs gasPriceFloor gasSchedule { kind gas } genesisHash producer } mempool { pending ready } }`;

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

export const ACCOUNT = `query Account($address: Address!, $after: String) { account(address: $address) {
  address balance nonce nextNonce pendingCount pendingTransactions
  transactions(first: 25, after: $after) { nodes { ${TX_ROW} } pageInfo { hasNextPage endCursor } }
  rewards { total count asOfHeight byRole { scope amount count } byDatanet { scope amount count } byModel { scope amount count } }
  rewardHistory(first: 100) { nodes { height amount detail datanet model inference timestamp } } } }`;
export const REWARDS_SUB = `subscription Rewards($address: Address!) { rewards(address: $address) { height } }`;
export const ACCOUNT_SUB = `subscription Activity($address: Address!) { accountActivity(address: $address) { hash status } }`;

export const SEARCH_HASH = `query Find($hash: Hash!) { transaction(hash: $hash) { hash } block(hash: $hash) { height } }`;
export const SEARCH_HEIGHT = `query FindHeight($height: Long!) { block(height: $height) { height } }`;

export const TYPED_TRANSFER = `mutation TypedTransfer($t: TransferIntent!) { typedData(transfer: $t) { json hash primaryType } }`;
export const SEND = `mutation Send($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted hash errorCode errorMessage } }`;
export const BALANCE = `query Balance($address: Address!) { account(address: $address) { balance nextNonce } }`;
