import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyController } from './api-key.controller';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';

/**
 * API keys and the guard every route passes (an APP_GUARD, so it applies everywhere without the
 * module being global). The key lookup runs as a request hook, registered by app.setup.ts; no
 * other module calls into access.
 */
@Module({
  controllers: [ApiKeyController],
  providers: [ApiKeyService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AccessModule {}
