import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole } from '../access/roles.decorator';
import { ApiPage, Page } from '../common/pagination';
import { AuditEntryDto, AuditLogQueryDto, EventPageDto, EventQueryDto } from './audit.dto';
import { AuditQueryService } from './audit.query.service';

@ApiTags('audit')
@Controller('audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditQueryService) {}

  /** Who changed what and when, oldest first. */
  @Get()
  @AnyRole()
  @ApiPage(AuditEntryDto)
  list(@Query() query: AuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.auditLog(query);
  }
}

@ApiTags('events')
@Controller('events')
export class EventController {
  constructor(private readonly audit: AuditQueryService) {}

  /** The change feed: poll with the last `nextCursor` to see every committed change exactly once. */
  @Get()
  @AnyRole()
  list(@Query() query: EventQueryDto): Promise<EventPageDto> {
    return this.audit.events(query);
  }
}
