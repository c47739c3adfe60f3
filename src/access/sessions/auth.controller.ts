import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../common/errors';
import { clearSessionCookie, cookieOptions, SESSION_COOKIE } from '../authentication';
import { CsrfTokenMissingError } from '../auth.guard';
import { AnyRole, Public } from '../roles.decorator';
import { UserService } from '../users/user.service';
import {
  AuthConfigDto,
  ChangePasswordDto,
  SessionDto,
  SetPasswordDto,
  SignInDto,
} from './auth.dto';
import { OidcService } from './oidc.service';
import { RequestSession, SessionService } from './session.service';

const OIDC_COOKIE = 'hashbook_oidc';
const OIDC_COOKIE_PATH = '/api/v1/auth/oidc';
const OIDC_FLOW_SECONDS = 600;

/** The session of a signed-in person's request; an API key has none (403). */
function sessionOf(request: FastifyRequest): RequestSession {
  if (request.actor?.type !== 'user' || !request.userSession) {
    throw new ForbiddenError('This needs a signed-in session; an API key has none');
  }
  return request.userSession;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UserService,
    private readonly oidc: OidcService,
  ) {}

  /** What the sign-in page offers: whether single sign-on is configured. */
  @Get('config')
  @Public()
  config(): AuthConfigDto {
    return {
      sso: this.oidc.enabled,
      ssoStartUrl: this.oidc.enabled ? `${OIDC_COOKIE_PATH}/start` : null,
    };
  }

  /**
   * Signs in with email and password: sets the `hashbook_session` cookie (HttpOnly, SameSite=Lax)
   * and answers with the user and the CSRF token to send as X-CSRF-Token. A wrong email or
   * password: 401 INVALID_CREDENTIALS; after 5 failures for an email in 15 minutes: 429
   * TOO_MANY_ATTEMPTS for 15 minutes.
   */
  @Post('sign-in')
  @Public()
  @HttpCode(200)
  async signIn(
    @Body() body: SignInDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionDto> {
    const session = await this.sessions.signIn(body.email, body.password);
    void reply.setCookie(
      SESSION_COOKIE,
      session.token,
      cookieOptions(request, this.sessions.maxAgeSeconds),
    );
    return session.body;
  }

  /** The signed-in user and the session's CSRF token. */
  @Get('me')
  @AnyRole()
  me(@Req() request: FastifyRequest): Promise<SessionDto> {
    return this.sessions.me(sessionOf(request));
  }

  /** Ends this browser's session and clears its cookie (needs X-CSRF-Token). */
  @Post('sign-out')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out (also when there was no session)' })
  async signOut(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    if (request.csrfRefused) throw new CsrfTokenMissingError();
    if (request.actor?.type === 'user' && request.userSession) {
      await this.sessions.signOut(request.userSession);
    }
    clearSessionCookie(request, reply);
  }

  /**
   * Changes the signed-in user's password (needs the current one; wrong: 422
   * CURRENT_PASSWORD_WRONG). Every other session of theirs ends; this one goes on.
   */
  @Post('change-password')
  @AnyRole()
  @HttpCode(200)
  changePassword(
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<SessionDto> {
    return this.sessions.changePassword(sessionOf(request), body.currentPassword, body.newPassword);
  }

  /**
   * Sets a password with a one-time setup token (unknown, used or expired: 401
   * INVALID_SETUP_TOKEN); every session of the user ends. Then sign in.
   */
  @Post('set-password')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password set' })
  async setPassword(@Body() body: SetPasswordDto): Promise<void> {
    await this.users.redeemSetupToken(body.token, body.password);
  }

  /**
   * Single sign-on: redirects the browser to the identity provider (authorisation code flow with
   * PKCE, state and nonce). 404 SSO_NOT_CONFIGURED without OIDC_ISSUER.
   */
  @Get('oidc/start')
  @Public()
  @ApiFoundResponse({ description: "Redirect to the identity provider's sign-in page" })
  async oidcStart(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { url, flow } = await this.oidc.start();
    void reply.setCookie(OIDC_COOKIE, flow, {
      ...cookieOptions(request, OIDC_FLOW_SECONDS),
      path: OIDC_COOKIE_PATH,
    });
    void reply.redirect(url, 302);
  }

  /**
   * Where the identity provider sends the browser back: signs in the active user with the
   * verified email of the ID token (or creates one with OIDC_AUTO_CREATE_ROLE), sets the session
   * cookie and redirects to the console at `/`. Anyone else: 403 NOT_A_USER; a state that does
   * not match the flow this browser started: 400 SSO_STATE_INVALID.
   */
  @Get('oidc/callback')
  @Public()
  @ApiFoundResponse({ description: 'Signed in: redirect to the console at /' })
  async oidcCallback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const flow = request.cookies?.[OIDC_COOKIE];
    // The flow is used once, however it ends.
    void reply.clearCookie(OIDC_COOKIE, { ...cookieOptions(request, 0), path: OIDC_COOKIE_PATH });
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const identity = await this.oidc.finish(flow, query);
    const session = await this.sessions.signInWithSso(identity, this.oidc.autoCreateRole);
    void reply.setCookie(
      SESSION_COOKIE,
      session.token,
      cookieOptions(request, this.sessions.maxAgeSeconds),
    );
    void reply.redirect('/', 302);
  }
}
