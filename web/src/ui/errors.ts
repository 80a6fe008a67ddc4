// A human sentence for each error code the explorer's users meet; the code itself is always shown beside it.
const sentences: Record<string, string> = {
  InsufficientBalance: 'The account does not hold enough OPEN to pay the amount and the largest fee.',
  NonceTooLow: 'A transaction with this nonce was already committed; sign again to use the next one.',
  NonceGapTooLarge: 'The nonce is too far ahead of the account\'s next one.',
  DuplicateTransaction: 'This exact transaction was already submitted.',
  GasPriceTooLow: 'The gas price is below the chain\'s floor.',
  BadSignature: 'The signature is not valid.',
  SignerMismatch: 'The signature was made by another account than the sender.',
  WrongChainId: 'The transaction was signed for another chain.',
  MempoolFull: 'The node is holding as many transactions as it can; try again shortly.',
  SenderQueueFull: 'This account already has too many pending transactions.',
  InvalidField: 'A field of the transaction is not valid.',
  ReplacementUnderpriced: 'A pending transaction with this nonce pays more; a replacement must pay at least 10% more.',
  INVALID_ADDRESS: 'That is not an address: 0x followed by 40 hexadecimal digits.',
  INVALID_INPUT: 'The node refused the input.',
  INVALID_SEARCH: 'Search takes a block height, a hash (0x + 64 hex digits: a block, a transaction or a marketplace id) or an address (0x + 40 hex digits).',
  NETWORK: 'The node did not answer.',
  ORIGIN_NOT_ALLOWED: 'The node refuses requests from this page\'s origin.',
  USER_REJECTED: 'The wallet declined to sign.',
  WALLET: 'The wallet could not sign.',
  TIMEOUT: 'The node took too long to answer.',
};

export const sentenceFor = (code: string, fallback?: string) => sentences[code] ?? fallback ?? 'The node refused the request.';
