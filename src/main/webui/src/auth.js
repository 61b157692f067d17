// Who is signed in. The bearer token lives in memory only (never localStorage): in dev and test the "sign in as"
// picker mints one at /dev/token for a demo user (remembered per tab by name, so a reload signs in again); in
// prod the operator's identity provider signs people in with the OIDC authorization code flow and PKCE, and a
// reload signs in again silently (prompt=none in a hidden frame) while the provider's session is alive.
const listeners = new Set();
export const session = { token: null, user: null, config: null, oidc: null };

export const DEMO_USERS = [
  { sub: 'alice', label: 'Alice (viewer)', groups: 'viewer', birthdate: '1990-01-01', region: 'US' },
  { sub: 'bob', label: 'Bob (viewer)', groups: 'viewer', birthdate: '1992-05-17', region: 'US' },
  { sub: 'carol', label: 'Carol (creator)', groups: 'viewer,creator', birthdate: '1990-01-01', region: 'US' },
  { sub: 'dave', label: 'Dave (creator, GB)', groups: 'viewer,creator', birthdate: '1988-03-02', region: 'GB' },
  { sub: 'mia', label: 'Mia (viewer, 14)', groups: 'viewer', birthdate: '2012-06-01', region: 'US' },
  { sub: 'admin', label: 'Ada (admin)', groups: 'admin', birthdate: '1980-01-01', region: 'US' },
];

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  listeners.forEach((l) => l(session));
}

/** Dev and test: a token for a demo user (or any user: tests pass their own). */
export async function devSignIn(user) {
  const params = new URLSearchParams({ sub: user.sub, groups: user.groups, region: user.region || 'US', ttlSeconds: '86400' });
  if (user.birthdate) params.set('birthdate', user.birthdate);
  if (user.name) params.set('name', user.name);
  const response = await fetch(`/dev/token?${params}`);
  if (!response.ok) throw new Error('The dev sign-in is not available');
  session.token = (await response.text()).trim();
  session.user = user;
  sessionStorage.setItem('coinstream.devUser', JSON.stringify(user));
  changed();
}

export async function restore(config) {
  session.config = config;
  if (config.devSignIn) {
    const remembered = sessionStorage.getItem('coinstream.devUser');
    if (remembered) await devSignIn(JSON.parse(remembered));
    return;
  }
  if (config.oidcAuthority && config.oidcClientId) {
    const { UserManager, WebStorageStateStore, InMemoryWebStorage } = await import('oidc-client-ts');
    session.oidc = new UserManager({
      authority: config.oidcAuthority,
      client_id: config.oidcClientId,
      redirect_uri: `${location.origin}/signed-in`,
      post_logout_redirect_uri: location.origin,
      response_type: 'code',
      scope: config.oidcScope,
      // Tokens in memory for this tab; only the short-lived sign-in state (PKCE verifier) in sessionStorage.
      userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      stateStore: new WebStorageStateStore({ store: sessionStorage }),
      silent_redirect_uri: `${location.origin}/silent-signed-in`,
      silentRequestTimeoutInSeconds: 5,
    });
    // a silent renewal before the access token expires hands over a new one (only while someone is signed in: a renewal
    // that finishes after Sign out must not sign them back in)
    session.oidc.events.addUserLoaded((user) => { if (session.token) accept(user); });
    // a token that expired without a renewal (the provider's session ended, or could not be reached): signed out here,
    // and the page says so, instead of every page asking to sign in while the header still shows the name
    session.oidc.events.addAccessTokenExpired(async () => {
      if (!session.token) return;
      // (a renewal that is merely late, after a laptop slept or a tab was throttled, is tried once more first)
      try {
        accept(await session.oidc.signinSilent());
        return;
      } catch {
        // the provider's session ended, or cannot be reached
      }
      if (!session.token) return;
      session.token = null;
      session.user = null;
      sessionStorage.removeItem(SIGNED_IN);
      session.signInProblem = 'Your session ended. Sign in again.';
      changed();
    });
    if (location.pathname === '/silent-signed-in') {
      // this page is the hidden frame of a silent sign-in: hand the provider's answer to the page that asked
      await session.oidc.signinSilentCallback();
      return;
    }
    if (location.pathname === '/signed-in') {
      try {
        accept(await session.oidc.signinRedirectCallback());
      } catch (e) {
        // cancelled at the provider (?error=access_denied), or this address opened again (its state is used up): the
        // page says so and stays signed out, instead of waiting for ever
        session.signInProblem = new URLSearchParams(location.search).get('error') === 'access_denied'
          ? 'Signing in was cancelled.' : 'Signing in did not complete. Sign in again.';
      }
      history.replaceState(null, '', sessionStorage.getItem('coinstream.returnTo') || '/');
    } else if (sessionStorage.getItem(SIGNED_IN)) {
      // signed in before this reload: ask the provider without showing it; its session decides
      try {
        accept(await session.oidc.signinSilent());
      } catch {
        sessionStorage.removeItem(SIGNED_IN);
      }
    }
  }
}

/** Set in this tab while someone is signed in at the provider (a flag, never a token): a reload tries a silent sign-in. */
const SIGNED_IN = 'coinstream.signedIn';

function accept(user) {
  // The API verifies the access token (a JWT from the same issuer).
  sessionStorage.setItem(SIGNED_IN, '1');
  if (session.user && session.user.sub === user.profile.sub) {
    session.token = user.access_token; // the same person, a renewed token: every request reads it from here
    return;
  }
  session.token = user.access_token;
  session.user = { sub: user.profile.sub, label: user.profile.name || user.profile.preferred_username || user.profile.sub };
  changed();
}

export async function signInWithProvider() {
  sessionStorage.setItem('coinstream.returnTo', location.pathname + location.search);
  await session.oidc.signinRedirect();
}

/**
 * Signs out here and, where the provider has an end-session endpoint, there too: otherwise the next Sign in on a shared
 * device passed straight through the provider's live session into the previous person's account.
 */
export async function signOut() {
  session.token = null;
  session.user = null;
  sessionStorage.removeItem('coinstream.devUser');
  sessionStorage.removeItem(SIGNED_IN);
  changed();
  if (session.oidc) {
    try {
      const metadata = await session.oidc.metadataService.getMetadata();
      if (metadata.end_session_endpoint) {
        await session.oidc.signoutRedirect(); // (the provider comes back to this app's start page)
        return;
      }
    } catch {
      // the provider cannot be reached: signed out here
    }
    session.oidc.removeUser();
    session.oidc.clearStaleState();
  }
}
