// GraphQL-over-HTTP conformance audit (graphql-http serverAudits) against a running server.
// URL: the /graphql endpoint; KEY: an API key, sent with every request.
import { serverAudits } from 'graphql-http';
const url = process.env.URL; const key = process.env.KEY;
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
};
let failed = 0, warned = 0;
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  if (result.status !== 'ok') {
    if (result.status === 'error') failed++; else warned++;
    console.log(`${result.status.toUpperCase()} ${audit.name}: ${result.reason}`);
  }
}
console.log(`audit: ${failed} errors, ${warned} warnings`);
process.exit(failed + warned ? 1 : 0);
