import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../../access/roles.decorator';
import { ApiPage, Page } from '../../common/pagination';
import { ApiProblems } from '../../common/problem';
import { ParseIdPipe } from '../../common/validation';
import { ConvertHoldDto, CreateHoldDto, HoldDto, HoldQueryDto } from './hold.dto';
import { HoldService } from './hold.service';

const HoldId = () => Param('id', new ParseIdPipe('Hold'));

const NOT_ACTIVE = 'INVALID_STATE: the hold is released, converted or expired; nothing is written';

@ApiTags('holds')
@Controller('holds')
export class HoldController {
  constructor(private readonly holds: HoldService) {}

  /**
   * Holds factory capacity for a quote until the end of `expiresOn`: the plan places the held
   * units after every firm tranche of the model, and availability answers from what is left.
   */
  @Post()
  @Roles('sales')
  @ApiProblems({
    422: 'REFERENCE_NOT_FOUND (unknown model or customer), PRODUCT_MODEL_NOT_ORDERABLE (an end-of-life model), DATE_OUT_OF_RANGE (expiresOn before today); nothing is written',
  })
  create(@Body() body: CreateHoldDto): Promise<HoldDto> {
    return this.holds.create(body);
  }

  /** Holds in creation order; `active=true` keeps those that count today. */
  @Get()
  @AnyRole()
  @ApiPage(HoldDto)
  list(@Query() query: HoldQueryDto): Promise<Page<HoldDto>> {
    return this.holds.list(query);
  }

  /** One hold. */
  @Get(':id')
  @AnyRole()
  get(@HoldId() id: string): Promise<HoldDto> {
    return this.holds.get(id);
  }

  /** Releases an active hold: its units are available again at once. */
  @Delete(':id')
  @HttpCode(204)
  @Roles('sales')
  @ApiNoContentResponse({ description: 'Released' })
  @ApiProblems({ 409: NOT_ACTIVE })
  async release(@HoldId() id: string): Promise<void> {
    await this.holds.release(id);
  }

  /** Marks an active hold converted into an order, whose tranches take its place in the plan. */
  @Post(':id/convert')
  @HttpCode(200)
  @Roles('sales')
  @ApiProblems({
    409: NOT_ACTIVE,
    422: "REFERENCE_NOT_FOUND (unknown order), HOLD_ORDER_MISMATCH (another customer's order, an order not confirmed, or one without a tranche of the hold's model); nothing is written",
  })
  convert(@HoldId() id: string, @Body() body: ConvertHoldDto): Promise<HoldDto> {
    return this.holds.convert(id, body);
  }
}
