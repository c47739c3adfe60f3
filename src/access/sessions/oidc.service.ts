import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type * as Oidc from 'openid-client';
import { DomainError } from '../../common/errors';
import { APP_CONFIG, AppConfig, OidcConfig, sessionSettings } from '../../config/config';
import { sha256 } from '../users/user.service';
import { SessionRepository } from './session.repository';

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** Who the identity provider vouched for. */
export interface OidcIdentity {
  email: string;
  name: string | null;
}

export class SsoFailedError extends DomainError {
  constructor(message: string) {
    super(401, 'SSO_FAILED', message);
  }
}

/** The loopback hosts a provider may be reached on over plain HTTP (a provider on this machine). */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Single sign-on with an OpenID Connect provider (openid-client): the authorisation code flow with
 * PKCE, state and nonce. What the callback needs is kept in PostgreSQL under the hash of a
 * short-lived cookie, so any instance finishes what another started, and a flow is used once.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private readonly settings?: OidcConfig;
  private readonly redirectUri: string;
  private configuration?: Promise<{ client: typeof Oidc; config: Oidc.Configuration }>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: SessionRepository,
  ) {
    this.settings = config.oidc;
    this.redirectUri = `${sessionSettings(config).publicUrl}${OIDC_CALLBACK_PATH}`;
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  get autoCreateRole() {
    return this.settings?.autoCreateRole;
  }

  /** The provider's address to send the browser to, and the flow's cookie value. */
  async start(): Promise<{ url: string; flow: string }> {
    const { client, config } = await this.provider();
    const flow = randomBytes(32).toString('base64url');
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await this.repository.insertOidcLogin({ flowHash: sha256(flow), state, nonce, codeVerifier });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, flow };
  }

  /**
   * Finishes the flow the cookie names with the provider's answer (`query`, the callback's query
   * string): checks the state, redeems the code with the PKCE verifier, checks the ID token and
   * its nonce, and returns the verified email it carries.
   */
  async finish(flow: string | undefined, query: URLSearchParams): Promise<OidcIdentity> {
    const { client, config } = await this.provider();
    const pending = flow ? await this.repository.takeOidcLogin(sha256(flow)) : null;
    const state = query.get('state') ?? '';
    if (!pending || !sameText(state, pending.state)) {
      throw new DomainError(
        400,
        'SSO_STATE_INVALID',
        'This sign-in was not started here, was already used or took over 10 minutes: sign in again',
      );
    }
    if (query.has('error')) {
      throw new SsoFailedError('The identity provider did not sign you in');
    }
    const callback = new URL(this.redirectUri);
    callback.search = query.toString();
    let claims: Oidc.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      // The reason goes to the log, not to the browser: it may quote the provider's answer.
      this.logger.warn(`Single sign-on failed at the token exchange: ${(error as Error).name}`);
      throw new SsoFailedError('The identity provider did not confirm the sign-in');
    }
    const email = typeof claims?.email === 'string' ? claims.email.trim() : '';
    if (!email || claims?.email_verified !== true) {
      throw new DomainError(
        403,
        'NOT_A_USER',
        'The identity provider did not vouch for an email address of yours',
      );
    }
    return { email, name: typeof claims.name === 'string' ? claims.name : null };
  }

  /** The provider's configuration, discovered once; a failed discovery is tried again next time. */
  private provider(): Promise<{ client: typeof Oidc; config: Oidc.Configuration }> {
    const settings = this.settings;
    if (!settings) {
      throw new DomainError(404, 'SSO_NOT_CONFIGURED', 'Single sign-on is not configured here');
    }
    this.configuration ??= (async () => {
      // ESM-only; loaded when single sign-on is first used.
      const client = await import('openid-client');
      const issuer = new URL(settings.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      const config = await client.discovery(
        issuer,
        settings.clientId,
        undefined,
        client.ClientSecretBasic(settings.clientSecret),
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      return { client, config };
    })().catch((error: Error) => {
      this.configuration = undefined;
      this.logger.error(
        `Single sign-on: the identity provider could not be read: ${error.message}`,
      );
      throw new DomainError(
        503,
        'SSO_UNAVAILABLE',
        'The identity provider cannot be reached; try again later',
      );
    });
    return this.configuration;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
