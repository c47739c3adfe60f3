import { Body, Controller, Get, Headers, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../../access/roles.decorator';
import { ApiPage, Page } from '../../common/pagination';
import { ParseIdPipe } from '../../common/validation';
import {
  CreateOpportunityDto,
  OpportunityDto,
  OpportunityQueryDto,
  UpdateOpportunityDto,
} from './opportunity.dto';
import { OpportunityService } from './opportunity.service';

const ID = new ParseIdPipe('Opportunity');

@ApiTags('opportunities')
@Controller('opportunities')
export class OpportunityController {
  constructor(private readonly opportunities: OpportunityService) {}

  /** Opens an opportunity; unit price defaults to the model's list price, probability to the stage's. */
  @Post()
  @Roles('sales')
  create(@Body() body: CreateOpportunityDto): Promise<OpportunityDto> {
    return this.opportunities.create(body);
  }

  /** Lists opportunities. */
  @Get()
  @AnyRole()
  @ApiPage(OpportunityDto)
  list(@Query() query: OpportunityQueryDto): Promise<Page<OpportunityDto>> {
    return this.opportunities.list(query);
  }

  /** One opportunity. */
  @Get(':id')
  @AnyRole()
  get(@Param('id', ID) id: string): Promise<OpportunityDto> {
    return this.opportunities.get(id);
  }

  /** Changes the fields given; a converted opportunity no longer changes (409). Honours If-Match. */
  @Patch(':id')
  @Roles('sales')
  update(
    @Param('id', ID) id: string,
    @Body() body: UpdateOpportunityDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<OpportunityDto> {
    return this.opportunities.update(id, body, ifMatch);
  }
}
