// Fetches a schema by introspection over GraphQL-over-HTTP, rebuilds it with graphql-js (buildClientSchema), checks it
// (validateSchema) and validates client documents against it, as a graphql-js tool would before sending them.
//
// stdin:  { "url": "http://127.0.0.1:PORT/graphql", "documents": ["query { ... }", ...] }
// stdout: { ok, status, schemaErrors: [message], documentErrors: [[message], ...] (one list per document, in order),
//           queryFields, mutationFields, subscriptionFields, graphqlVersion }
import { buildClientSchema, getIntrospectionQuery, parse, validate, validateSchema, version } from 'graphql';

async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

try {
  const { url, documents = [] } = await readStdinJson();
  if (typeof url !== 'string') throw new Error('url is required');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = await response.json();
  if (!body.data) throw new Error(`introspection failed (${response.status}): ${JSON.stringify(body.errors)}`);
  const schema = buildClientSchema(body.data);
  const schemaErrors = validateSchema(schema).map((e) => e.message);
  const documentErrors = documents.map((doc) => {
    try {
      return validate(schema, parse(doc)).map((e) => e.message);
    } catch (e) {
      return [`syntax: ${e.message}`]; // parse errors
    }
  });
  const ok = schemaErrors.length === 0 && documentErrors.every((d) => d.length === 0);
  process.stdout.write(JSON.stringify({
    ok,
    status: response.status,
    graphqlVersion: version,
    schemaErrors,
    documentErrors,
    queryFields: Object.keys(schema.getQueryType().getFields()),
    mutationFields: Object.keys(schema.getMutationType()?.getFields() ?? {}),
    subscriptionFields: Object.keys(schema.getSubscriptionType()?.getFields() ?? {}),
  }) + '\n');
} catch (e) {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
}
