import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyController } from './api-key.controller';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { AuthController } from './sessions/auth.controller';
import { OidcService } from './sessions/oidc.service';
import { SessionRepository } from './sessions/session.repository';
import { SessionService } from './sessions/session.service';
import { UserReferences } from './users/user-references';
import { UserController } from './users/user.controller';
import { UserService } from './users/user.service';

/**
 * API keys for programs, users and their sessions for people, and the guard every route passes
 * (an APP_GUARD, so it applies everywhere without the module being global). Finding the caller
 * runs as a request hook, registered by app.setup.ts. Other domains use only UserReferences, to
 * name owners and assignees.
 */
@Module({
  controllers: [ApiKeyController, UserController, AuthController],
  providers: [
    ApiKeyService,
    UserService,
    UserReferences,
    SessionRepository,
    SessionService,
    OidcService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UserReferences],
})
export class AccessModule {}
