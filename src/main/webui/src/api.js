// The one way this front end talks to Coinstream: GraphQL over HTTP at /graphql (urql, with a normalized cache)
// and subscriptions over graphql-transport-ws (the reference graphql-ws client, reconnecting with backoff).
import { Client, createRequest, fetchExchange, subscriptionExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';
import { session, onSessionChange } from './auth.js';

// Objects with an id are normalized by __typename + id (a Wallet returned by sendGift updates every view of the
// wallet); objects without one (Money, PageInfo ...) are embedded in their parent.
const keys = new Proxy({}, { get: () => (data) => (data && data.id != null ? String(data.id) : null) });

let client;
let ws;
const reconnectListeners = new Set();
const statusListeners = new Set();
export const connection = { status: 'connecting' };

function setStatus(status) {
  connection.status = status;
  statusListeners.forEach((l) => l(status));
}

function build() {
  if (ws) ws.dispose();
  let connectedBefore = false;
  ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (session.token ? { Authorization: `Bearer ${session.token}` } : {}),
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    // Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... up to 15 s.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 500 * 2 ** retries) * (0.75 + Math.random() / 2))),
    on: {
      connected: () => {
        setStatus('connected');
        if (connectedBefore) reconnectListeners.forEach((l) => l());
        connectedBefore = true;
      },
      closed: () => setStatus('reconnecting'),
    },
  });
  client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({
      headers: { ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}), Accept: 'application/graphql-response+json, application/json' },
    }),
    exchanges: [
      cacheExchange({ keys }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ query: request.query, variables: request.variables }, sink) }),
        }),
      }),
    ],
  });
}

build();
onSessionChange(build);

/**
 * For a view that reads the same thing again (after its own mutation): `const read = newest(); ... const r = await read(query(...));`
 * gives null for an answer that arrived after a later read's, so an older answer never overwrites a newer one.
 */
export function newest() {
  let last = 0;
  return async (pending) => {
    last += 1;
    const mine = last;
    const answer = await pending;
    return mine === last ? answer : null;
  };
}

/** Called after the feed's connection came back (a restart of the service or the database): backfill then. */
export function onReconnect(listener) {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

export function onConnectionStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

let reads = 0;

/**
 * One answer from the network: { data, error }, read after this call. Each call is its own operation: urql shares one
 * operation among identical requests in flight, so a view's re-read right after a mutation would otherwise be answered
 * by a read it started before the mutation (a list without the key just created). Its key is above every request
 * hash (those are 32-bit), so it is never shared.
 */
export async function query(document, variables = {}) {
  const request = createRequest(document, variables);
  reads += 1;
  return client.executeRequestOperation(client.createRequestOperation('query', { ...request, key: 2 ** 32 + reads },
    { requestPolicy: 'network-only' })).toPromise();
}

/** Follow a query: the callback runs again whenever the cache changes what it reads. Returns the stop function. */
export function watch(document, variables, callback) {
  const { unsubscribe } = client.query(document, variables, { requestPolicy: 'cache-and-network' }).subscribe(callback);
  return unsubscribe;
}

export async function mutate(document, variables = {}) {
  return client.mutation(document, variables).toPromise();
}

export function subscribe(document, variables, onResult) {
  const { unsubscribe } = client.subscription(document, variables).subscribe(onResult);
  return unsubscribe;
}

/** The first userError of a mutation payload, if any. */
export function userError(result, field) {
  const payload = result.data && result.data[field];
  return payload && payload.userErrors && payload.userErrors.length ? payload.userErrors[0] : null;
}

/** A top-level error's stable code (UNAUTHENTICATED, FORBIDDEN, UNAVAILABLE ...). */
export function errorCode(result) {
  const e = result.error && result.error.graphQLErrors && result.error.graphQLErrors[0];
  return e ? (e.extensions && e.extensions.code) || 'ERROR' : result.error ? 'NETWORK' : null;
}

export function newKey() {
  return crypto.randomUUID();
}
