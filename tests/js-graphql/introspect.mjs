// Fetches the schema's introspection over GraphQL-over-HTTP, rebuilds it with graphql-js's buildClientSchema and checks
// it with validateSchema; prints one JSON line. Usage: node introspect.mjs http://127.0.0.1:PORT/graphql
import { buildClientSchema, getIntrospectionQuery, printSchema, validateSchema, version } from 'graphql';

const url = process.argv[2];
if (!url) {
  console.error('usage: node introspect.mjs <http-url>');
  process.exit(2);
}

const response = await fetch(url, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json;q=0.9',
  },
  body: JSON.stringify({ query: getIntrospectionQuery() }), // the query graphql-js clients send by default
});
const body = await response.json();
if (!body.data) {
  console.log(JSON.stringify({ status: response.status, contentType: response.headers.get('content-type'), errors: body.errors }));
  process.exit(0);
}
const schema = buildClientSchema(body.data);
const errors = validateSchema(schema).map((e) => e.message);
const sdl = printSchema(schema);
console.log(JSON.stringify({
  graphqlVersion: version,
  status: response.status,
  contentType: response.headers.get('content-type'),
  validationErrors: errors,
  queryFields: Object.keys(schema.getQueryType().getFields()),
  mutationFields: Object.keys(schema.getMutationType()?.getFields() ?? {}),
  subscriptionFields: Object.keys(schema.getSubscriptionType()?.getFields() ?? {}),
  sdlLength: sdl.length,
}));
