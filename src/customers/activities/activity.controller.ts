import { Body, Controller, Get, Headers, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../../access/roles.decorator';
import { ApiPage, Page, PageQueryDto } from '../../common/pagination';
import { ParseIdPipe } from '../../common/validation';
import {
  ActivityDto,
  ActivityQueryDto,
  CreateActivityDto,
  UpdateActivityDto,
} from './activity.dto';
import { ActivityService } from './activity.service';

const CUSTOMER_ID = new ParseIdPipe('Customer');
const ACTIVITY_ID = new ParseIdPipe('Activity');

@ApiTags('activities')
@Controller()
export class ActivityController {
  constructor(private readonly activities: ActivityService) {}

  /** The customer's calls, meetings, e-mails, notes and tasks in creation order. */
  @Get('customers/:id/activities')
  @AnyRole()
  @ApiPage(ActivityDto)
  listForCustomer(
    @Param('id', CUSTOMER_ID) customerId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ActivityDto>> {
    return this.activities.listForCustomer(customerId, query);
  }

  /** Records an activity; `occurredAt` defaults to now. */
  @Post('customers/:id/activities')
  @Roles('sales')
  create(
    @Param('id', CUSTOMER_ID) customerId: string,
    @Body() body: CreateActivityDto,
  ): Promise<ActivityDto> {
    return this.activities.create(customerId, body);
  }

  /** Activities across customers; `?open=true&dueBefore=YYYY-MM-DD` gives the open tasks due by then. */
  @Get('activities')
  @AnyRole()
  @ApiPage(ActivityDto)
  list(@Query() query: ActivityQueryDto): Promise<Page<ActivityDto>> {
    return this.activities.list(query);
  }

  /** Changes the fields given; setting `completedAt` completes a task. Honours If-Match. */
  @Patch('activities/:id')
  @Roles('sales')
  update(
    @Param('id', ACTIVITY_ID) id: string,
    @Body() body: UpdateActivityDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ActivityDto> {
    return this.activities.update(id, body, ifMatch);
  }
}
