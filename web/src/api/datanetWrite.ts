// The GraphQL documents of the datanet forms added for the whole story: creating a datanet, contributing files, and
// the curation queue a page at a time. (The other datanet documents are in documents.ts.)

/** The CreateDatanet intent's typed data; the datanet's id is this transaction's hash. */
export const TYPED_CREATE_DATANET = `mutation TypedCreateDatanet($i: CreateDatanetIntent!) { typedData(createDatanet: $i) { json hash primaryType } }`;

/** A file's bytes, base64-encoded, stored for a datanet exactly as the CLI's `contribute FILE|DIR` uploads them: the
 * node checks its task format (InvalidTaskExample) and its size, and answers its hashes, cost and near duplicates. */
export const UPLOAD_FILE_FOR = `mutation UploadFile($b: String!, $datanet: Hash!) { uploadContent(base64: $b, datanet: $datanet) {
  hash normalizedHash size cost { fee stake total } nearDuplicates { contributionId similarity } } }`;

/** A page of a datanet's curation queue (10 rows: each text costs about 1,000 of the API's 20,000 complexity points). */
export const CURATION_QUEUE_PAGE = `query QueuePage($id: Hash!, $after: String) { datanet(id: $id) { id pendingCount
  curationQueue(first: 10, after: $after) { nodes { id contributor size text createdHeight deadlineHeight expiresAt
    nearDuplicates { contributionId similarity } flags { reason score } } pageInfo { hasNextPage endCursor } } } }`;
