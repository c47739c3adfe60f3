import { Global, Module } from '@nestjs/common';
import { AuditLogController, EventController } from './audit.controller';
import { AuditQueryService } from './audit.query.service';
import { AuditService } from './audit.service';

/**
 * The audit log and the change feed. Global: every module that writes records its changes through
 * AuditService, inside its own transaction.
 */
@Global()
@Module({
  controllers: [AuditLogController, EventController],
  providers: [AuditService, AuditQueryService],
  exports: [AuditService],
})
export class AuditModule {}
