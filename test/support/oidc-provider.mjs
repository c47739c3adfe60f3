// A real OpenID Connect provider (oidc-provider) for the single sign-on tests, run as its own
// process on a free loopback port. Its configuration comes in OIDC_TEST_CONFIG (JSON): the client
// (id, secret, redirect URI) and the accounts, by login, with their claims. It prints one line of
// JSON, {"issuer": "http://127.0.0.1:<port>"}, once it listens.
//
// Sign-in pages: GET /interaction/:uid shows a form; POST /interaction/:uid/login with
// login=<account> signs that account in; consent is given at once, for what the client asked.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { client, accounts } = JSON.parse(process.env.OIDC_TEST_CONFIG);

const server = createServer();
await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  format: 'jwk',
});

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.id,
      client_secret: client.secret,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['oidc-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims the scopes ask for go into the ID token itself, as many providers do.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    const claims = accounts[id];
    return claims ? { accountId: id, claims: () => ({ sub: id, ...claims }) } : undefined;
  },
});

const readBody = (req) =>
  new Promise((done, fail) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => done(body));
    req.on('error', fail);
  });

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html');
      res.end(`<form method="post" action="/interaction/${details.uid}/login">
        <label>Login <input name="login"></label><button>Sign in</button></form>`);
      return;
    }
    const login = new URLSearchParams(await readBody(req)).get('login');
    await provider.interactionFinished(
      req,
      res,
      accounts[login]
        ? { login: { accountId: login } }
        : { error: 'access_denied', error_description: 'unknown login' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({
        accountId: details.session.accountId,
        clientId: details.params.client_id,
      });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

const handle = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  handle(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
