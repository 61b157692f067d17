// GraphQL over HTTP conformance: the reference implementation's audit, against the URL given.
// Prints one JSON object: every audit with its id, name (MUST / SHOULD / MAY ...), status and reason.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
console.log(JSON.stringify(results.map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? null }))));
