import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../access/roles.decorator';
import { Page, PageQueryDto } from '../common/pagination';
import { ParseIdPipe } from '../common/validation';
import {
  AmendmentDto,
  CancelPurchaseOrderDto,
  CreateAmendmentDto,
  CreatePaymentDto,
  CreatePurchaseOrderDto,
  CreateShipmentDto,
  InstalmentDto,
  PaymentDto,
  PurchaseOrderDto,
  PurchaseOrderQueryDto,
  ShipmentDto,
  ShipmentQueryDto,
  toAmendmentInput,
  UpdatePurchaseOrderDto,
} from './purchase-order.dto';
import { PaymentService } from './payment.service';
import { PurchaseOrderService } from './purchase-order.service';
import { ShipmentService } from './shipment.service';

const OrderId = () => Param('id', new ParseIdPipe('Purchase order'));

@ApiTags('purchase-orders')
@Controller('purchase-orders')
export class PurchaseOrderController {
  constructor(
    private readonly orders: PurchaseOrderService,
    private readonly shipmentService: ShipmentService,
    private readonly paymentService: PaymentService,
  ) {}

  /** Books a draft order: lines of one product model each, delivered in dated tranches. */
  @Post()
  @Roles('sales', 'erp')
  create(@Body() body: CreatePurchaseOrderDto): Promise<PurchaseOrderDto> {
    return this.orders.create(body);
  }

  @Get()
  @AnyRole()
  list(@Query() query: PurchaseOrderQueryDto): Promise<Page<PurchaseOrderDto>> {
    return this.orders.list(query);
  }

  @Get('by-external-ref/:ref')
  @AnyRole()
  getByExternalRef(@Param('ref') ref: string): Promise<PurchaseOrderDto> {
    return this.orders.getByExternalRef(ref);
  }

  @Get(':id')
  @AnyRole()
  get(@OrderId() id: string): Promise<PurchaseOrderDto> {
    return this.orders.get(id);
  }

  /** Edits a draft (lines are replaced whole). Honours If-Match. */
  @Patch(':id')
  @Roles('sales', 'erp')
  update(
    @OrderId() id: string,
    @Body() body: UpdatePurchaseOrderDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<PurchaseOrderDto> {
    return this.orders.update(id, body, ifMatch);
  }

  /** Confirms a draft: copies the payment terms and builds the billing schedule. */
  @Post(':id/confirm')
  @HttpCode(200)
  @Roles('sales', 'erp')
  confirm(@OrderId() id: string): Promise<PurchaseOrderDto> {
    return this.orders.confirm(id);
  }

  /** Reschedules, resizes, cancels or adds tranches from `effectiveOn`; returns the order. Honours If-Match. */
  @Post(':id/amendments')
  @HttpCode(200)
  @Roles('sales', 'erp')
  amend(
    @OrderId() id: string,
    @Body() body: CreateAmendmentDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<PurchaseOrderDto> {
    return this.orders.amend(id, toAmendmentInput(body), ifMatch);
  }

  /** The amendment history, oldest first. */
  @Get(':id/amendments')
  @AnyRole()
  async amendments(@OrderId() id: string): Promise<Page<AmendmentDto>> {
    return { items: await this.orders.amendments(id), nextCursor: null };
  }

  /** Cancels every open unit from `effectiveOn`; returns the order. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('sales', 'erp')
  cancel(@OrderId() id: string, @Body() body: CancelPurchaseOrderDto): Promise<PurchaseOrderDto> {
    return this.orders.cancel(id, body);
  }

  /** Ships units of one or more tranches: all items or none, never more than is open. */
  @Post(':id/shipments')
  @Roles('operations', 'erp')
  ship(@OrderId() id: string, @Body() body: CreateShipmentDto): Promise<ShipmentDto> {
    return this.shipmentService.ship(id, body);
  }

  @Get(':id/shipments')
  @AnyRole()
  shipments(@OrderId() id: string, @Query() query: ShipmentQueryDto): Promise<Page<ShipmentDto>> {
    return this.shipmentService.list(query, id);
  }

  /** Records a payment, applied to open instalments by due date. */
  @Post(':id/payments')
  @Roles('finance', 'erp')
  pay(@OrderId() id: string, @Body() body: CreatePaymentDto): Promise<PaymentDto> {
    return this.paymentService.pay(id, body);
  }

  @Get(':id/payments')
  @AnyRole()
  payments(@OrderId() id: string, @Query() query: PageQueryDto): Promise<Page<PaymentDto>> {
    return this.paymentService.list(id, query);
  }

  /** The instalments: deposit and milestones, with what is paid and voided. */
  @Get(':id/billing-schedule')
  @AnyRole()
  async billingSchedule(
    @OrderId() id: string,
  ): Promise<{ items: InstalmentDto[]; nextCursor: null }> {
    return { items: await this.orders.billingSchedule(id), nextCursor: null };
  }
}

@ApiTags('shipments')
@Controller('shipments')
export class ShipmentController {
  constructor(private readonly shipments: ShipmentService) {}

  @Get()
  @AnyRole()
  list(@Query() query: ShipmentQueryDto): Promise<Page<ShipmentDto>> {
    return this.shipments.list(query);
  }
}
