import { Global, Module } from '@nestjs/common';
import { AuditLogController, EventController } from './audit.controller';
import { AuditQueryService } from './audit.query.service';
import { AuditService } from './audit.service';

@Global()
@Module({
  controllers: [AuditLogController, EventController],
  providers: [AuditService, AuditQueryService],
  exports: [AuditService],
})
export class AuditModule {}
