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
  const mine = createWsClient({
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
        if (ws !== mine) return; // a client replaced (signed in or out) says nothing any more
        setStatus('connected');
        if (connectedBefore) reconnectListeners.forEach((l) => l());
        connectedBefore = true;
      },
      // a normal close (1000: the last subscription ended, or the client was replaced) is no outage; anything else is
      // retried, and says so until it connects again
      closed: (event) => {
        if (ws !== mine) return;
        const code = event && event.code;
        // (a refusal says why: the service asking to come back later is no outage; a token's expiry (1008) while the tab
        // holds a renewed one is a reconnection like any, and a session ended only when none is left)
        setStatus(code === 1000 ? 'idle' : code === 1013 ? 'busy'
          : (code === 1008 && !session.token) || code === 4401 || code === 4403 ? 'expired' : 'reconnecting');
      },
    },
  });
  ws = mine;
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
        forwardSubscription: (request) => ({ subscribe: (sink) => resubscribing(mine, request, sink) }),
      }),
    ],
  });
}

// graphql-ws ends every subscription, without asking shouldRetry, at a close it counts as final: 1008 (the service's
// "Authentication expired", when the token a connection signed in with expires) and 4401/4403. While the tab holds a
// token (renewed since), each subscription starts again, with the same backoff, on a new connection that signs in with
// it: the connection's 'connected' then runs the views' backfill as after any reconnection. Without a token, or once the
// client was replaced (another person), the error stands.
const STARTED_AGAIN_AFTER = new Set([1008, 4401, 4403]);

function resubscribing(mine, request, sink) {
  let stop = null;
  let timer = null;
  let ended = false;
  let tries = 0;
  const start = () => {
    timer = null;
    stop = mine.subscribe({ query: request.query, variables: request.variables }, {
      next: (value) => {
        tries = 0;
        sink.next(value);
      },
      complete: () => {
        if (!ended) sink.complete();
      },
      error: (error) => {
        if (ended) return;
        if (error && STARTED_AGAIN_AFTER.has(error.code) && session.token && ws === mine) {
          timer = setTimeout(start, Math.min(15_000, 500 * 2 ** tries++) * (0.75 + Math.random() / 2));
          return;
        }
        sink.error(error);
      },
    });
  };
  start();
  return {
    unsubscribe: () => {
      ended = true;
      if (timer) clearTimeout(timer);
      if (stop) stop();
    },
  };
}

build();
onSessionChange(build);
// signed out, or another person signed in: the tab's open money intents go with the person before (their details are
// theirs); the same person again (a reload's silent sign-in) keeps them
onSessionChange(() => {
  const who = session.token && session.user ? session.user.sub : null;
  let owner = null;
  try {
    owner = sessionStorage.getItem(`${INTENTS}.owner`);
    if (who) sessionStorage.setItem(`${INTENTS}.owner`, who);
    else sessionStorage.removeItem(`${INTENTS}.owner`);
  } catch {
    // (no session storage: nothing kept to forget)
  }
  if (!who || (owner && owner !== who)) keepIntents({});
});

/** Called after the feed's connection came back (a restart of the service or the database): backfill then. */
export function onReconnect(listener) {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

export function onConnectionStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

// Reads in flight, by request (document and variables): an identical read waits for the one before it to answer.
const reading = new Map();

/**
 * One answer from the network: { data, error }, read after this call. urql answers identical requests in flight with
 * one operation, so a view's re-read right after a mutation would be answered by a read it started before the
 * mutation (a list without the key just created). Such a re-read is sent when the earlier one has answered instead:
 * it reads the database as it is after the mutation, and identical reads answer in the order they were made.
 */
export async function query(document, variables = {}) {
  const { key } = createRequest(document, variables);
  const before = reading.get(key) || Promise.resolve();
  const answer = before.then(() => client.query(document, variables, { requestPolicy: 'network-only' }).toPromise());
  const settled = answer.catch(() => undefined);
  reading.set(key, settled);
  settled.then(() => { if (reading.get(key) === settled) reading.delete(key); });
  return answer;
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

/**
 * What went wrong with a mutation's field: its payload's first userError, or, when the field has no answer, the refusal
 * of the whole request ({code, message}: UNAUTHENTICATED, RATE_LIMITED, NETWORK ...); null when it worked. So a view
 * that shows `explain(problem)` when there is one never reads a payload that is not there.
 */
export function userError(result, field) {
  const payload = result.data && result.data[field];
  if (payload) return payload.userErrors && payload.userErrors.length ? payload.userErrors[0] : null;
  // no answer for the field: the whole request was refused (or never arrived), and that is the problem to show
  const e = result.error && result.error.graphQLErrors && result.error.graphQLErrors[0];
  return { code: errorCode(result) || 'ERROR', message: e ? e.message : '' };
}

/** A top-level error's stable code (UNAUTHENTICATED, FORBIDDEN, UNAVAILABLE ...). */
export function errorCode(result) {
  const e = result.error && result.error.graphQLErrors && result.error.graphQLErrors[0];
  return e ? (e.extensions && e.extensions.code) || 'ERROR' : result.error ? 'NETWORK' : null;
}

export function newKey() {
  return crypto.randomUUID();
}

/** Answers after which a money action may or may not have happened: its key is kept for the next try. */
const OUTCOME_UNKNOWN = new Set(['NETWORK', 'UNAVAILABLE', 'INTERNAL', 'ERROR']);

/** Where open intents are kept: the tab's session storage, so a reload or Back after a lost answer keeps its key. */
const INTENTS = 'coinstream.intents';
/** How long an open intent is kept: a try after that is a new action. */
const INTENT_TTL_MS = 60 * 60 * 1000;

function openIntents() {
  try {
    return JSON.parse(sessionStorage.getItem(INTENTS)) || {};
  } catch {
    return {};
  }
}

function storageWorks() {
  try {
    sessionStorage.setItem(`${INTENTS}.probe`, '1');
    sessionStorage.removeItem(`${INTENTS}.probe`);
    return true;
  } catch {
    return false;
  }
}

function keepIntents(all) {
  try {
    sessionStorage.setItem(INTENTS, JSON.stringify(all));
  } catch {
    // (no session storage: kept for this page only, as before)
  }
}

/**
 * The idempotency keys of the tab's money actions (the one home of keys in this app). An action keeps its key while
 * its outcome is unknown (a lost answer, an outage), for an hour, in the tab's session storage: trying the same details
 * again, after a reload or Back too, sends the same key, so a purchase, a gift, a grant or a payout happens once however
 * often it is tried (a reload made a new key, and a second purchase). A definite answer (done, or refused) ends it, and
 * the next action gets a new key; so do other details.
 */
export class Intents {
  #memory = {};

  #all() {
    return storageWorks() ? openIntents() : this.#memory;
  }

  #keep(all) {
    this.#memory = all;
    keepIntents(all);
  }

  /** The key for `action` with these `details`: the unsettled one for the same details, else a new one. */
  key(action, details) {
    const said = JSON.stringify(details);
    const all = this.#all();
    const open = all[action];
    if (open && open.said === said && Date.now() - open.at < INTENT_TTL_MS) return open.key;
    const key = newKey();
    this.#keep({ ...all, [action]: { said, key, at: Date.now() } });
    return key;
  }

  /** After `action`'s answer (`problem`: userError's, or null when it worked): a definite one forgets its key. */
  settle(action, problem) {
    if (!problem || !OUTCOME_UNKNOWN.has(problem.code)) {
      const all = { ...this.#all() };
      delete all[action];
      this.#keep(all);
    }
  }
}

/**
 * A form's submission, one at a time: its buttons are disabled (and the form marked busy) until `action` answers, so a
 * double click or a second Enter sends nothing more. `action` gets the form's elements and the form.
 */
export async function submitOnce(event, action) {
  event.preventDefault();
  const form = event.currentTarget || event.target;
  if (form.getAttribute('aria-busy') === 'true') return undefined;
  const buttons = [...form.querySelectorAll('button')].filter((b) => !b.disabled);
  form.setAttribute('aria-busy', 'true');
  buttons.forEach((b) => (b.disabled = true));
  try {
    return await action(form.elements, form);
  } finally {
    form.removeAttribute('aria-busy');
    buttons.forEach((b) => (b.disabled = false));
  }
}
