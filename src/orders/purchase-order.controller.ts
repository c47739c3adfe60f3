import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../access/roles.decorator';
import { ApiPage, Page, PageQueryDto } from '../common/pagination';
import { ApiProblems } from '../common/problem';
import { ParseIdPipe } from '../common/validation';
import {
  AmendmentDto,
  CancelPurchaseOrderDto,
  CreateAmendmentDto,
  CreatePaymentDto,
  CreatePurchaseOrderDto,
  CreateRefundDto,
  CreateShipmentDto,
  ExerciseOptionDto,
  InstalmentDto,
  PaymentDto,
  PurchaseOrderDto,
  PurchaseOrderQueryDto,
  RefundDto,
  ReversalDto,
  ShipmentDto,
  ShipmentQueryDto,
  toAmendmentInput,
  UpdatePurchaseOrderDto,
} from './purchase-order.dto';
import { PaymentService } from './payment.service';
import { PurchaseOrderService } from './purchase-order.service';
import { ShipmentService } from './shipment.service';

const OrderId = () => Param('id', new ParseIdPipe('Purchase order'));

const DUPLICATE =
  'DUPLICATE: the externalRef is already used (`existingId` names its holder); nothing is written';

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

  /** Lists purchase orders. */
  @Get()
  @AnyRole()
  @ApiPage(PurchaseOrderDto)
  list(@Query() query: PurchaseOrderQueryDto): Promise<Page<PurchaseOrderDto>> {
    return this.orders.list(query);
  }

  /** The purchase order with this ERP reference (`externalRef`). */
  @Get('by-external-ref/:ref')
  @AnyRole()
  getByExternalRef(@Param('ref') ref: string): Promise<PurchaseOrderDto> {
    return this.orders.getByExternalRef(ref);
  }

  /** One purchase order with its lines and tranches. */
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

  /**
   * Deletes a draft. An opportunity converted into it goes back to negotiation and may be
   * converted again; the audit log keeps the draft.
   */
  @Delete(':id')
  @HttpCode(204)
  @Roles('sales', 'erp')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems({ 409: 'INVALID_STATE: only a draft may be deleted' })
  delete(@OrderId() id: string): Promise<void> {
    return this.orders.delete(id);
  }

  /** Confirms a draft: copies the payment terms and builds the billing schedule. */
  @Post(':id/confirm')
  @HttpCode(200)
  @Roles('sales', 'erp')
  confirm(@OrderId() id: string): Promise<PurchaseOrderDto> {
    return this.orders.confirm(id);
  }

  /**
   * Reschedules, resizes, cancels, reprices or adds tranches from `effectiveOn`; returns the order.
   * Honours If-Match.
   */
  @Post(':id/amendments')
  @HttpCode(200)
  @Roles('sales', 'erp')
  @ApiProblems({
    409: 'INVALID_STATE, QUANTITY_BELOW_SHIPPED, NOTHING_OPEN (cancelling or repricing a tranche with nothing open), OVER_SHIPMENT',
    422: 'EFFECTIVE_DATE_OUT_OF_RANGE (before signing or after today), REFERENCE_NOT_FOUND (a tranche or line of another order)',
  })
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
  @ApiPage(AmendmentDto)
  amendments(@OrderId() id: string, @Query() query: PageQueryDto): Promise<Page<AmendmentDto>> {
    return this.orders.amendments(id, query);
  }

  /**
   * Exercises option units of a tranche: up to the units that remain become firm units from
   * `exercisedOn`, billed as units added by an amendment (their own deposit and milestones).
   * Returns the order.
   */
  @Post(':id/tranches/:trancheId/exercise')
  @HttpCode(200)
  @Roles('sales', 'erp')
  @ApiProblems({
    404: 'NOT_FOUND: no such order, or the tranche is not on it',
    409: 'INVALID_STATE (the order is not confirmed, or the tranche has no options), OPTION_EXCEEDED (more than the option units that remain), OPTION_LAPSED (after the exercise-by date)',
    422: 'DATE_OUT_OF_RANGE: before signing or after today',
  })
  exercise(
    @OrderId() id: string,
    @Param('trancheId', new ParseIdPipe('Tranche')) trancheId: string,
    @Body() body: ExerciseOptionDto,
  ): Promise<PurchaseOrderDto> {
    return this.orders.exercise(id, trancheId, body);
  }

  /** Cancels every open unit from `effectiveOn`; returns the order. Honours If-Match. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('sales', 'erp')
  @ApiProblems({
    409: 'INVALID_STATE: only a confirmed order may be cancelled',
    412: 'VERSION_MISMATCH: If-Match names a version that is not the current one',
    422: 'EFFECTIVE_DATE_OUT_OF_RANGE: before signing or after today',
  })
  cancel(
    @OrderId() id: string,
    @Body() body: CancelPurchaseOrderDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<PurchaseOrderDto> {
    return this.orders.cancel(id, body, ifMatch);
  }

  /** Ships units of one or more tranches: all items or none, never more than is open. */
  @Post(':id/shipments')
  @Roles('operations', 'erp')
  @ApiProblems({
    409: `INVALID_STATE (order not confirmed), OVER_SHIPMENT, ${DUPLICATE}`,
    422: 'DATE_OUT_OF_RANGE (before signing or after today), REFERENCE_NOT_FOUND (a tranche of another order)',
  })
  ship(@OrderId() id: string, @Body() body: CreateShipmentDto): Promise<ShipmentDto> {
    return this.shipmentService.ship(id, body);
  }

  /** The order's shipments. */
  @Get(':id/shipments')
  @AnyRole()
  @ApiPage(ShipmentDto)
  shipments(@OrderId() id: string, @Query() query: ShipmentQueryDto): Promise<Page<ShipmentDto>> {
    return this.shipmentService.list(query, id);
  }

  /** Records a payment, applied to open instalments by due date. */
  @Post(':id/payments')
  @Roles('finance', 'erp')
  @ApiProblems({
    409: `INVALID_STATE (a draft), ${DUPLICATE}`,
    422: 'DATE_OUT_OF_RANGE: before signing or after today',
  })
  pay(@OrderId() id: string, @Body() body: CreatePaymentDto): Promise<PaymentDto> {
    return this.paymentService.pay(id, body);
  }

  /** The order's payments. */
  @Get(':id/payments')
  @AnyRole()
  @ApiPage(PaymentDto)
  payments(@OrderId() id: string, @Query() query: PageQueryDto): Promise<Page<PaymentDto>> {
    return this.paymentService.list(id, query);
  }

  /**
   * Reverses a payment from `reversedOn`: from that date the order's book is the one it would
   * have had without the payment (the other payments are applied again as if it had never come);
   * before it nothing changes. Returns the payment with `reversedOn` and `reversalReason`.
   */
  @Post(':id/payments/:paymentId/reverse')
  @HttpCode(200)
  @Roles('finance', 'erp')
  @ApiProblems({
    404: 'NOT_FOUND: no such order, or no such payment on this order',
    409: 'ALREADY_REVERSED; REFUND_EXCEEDS_CREDIT (credit the payment made was already refunded)',
    422: "DATE_OUT_OF_RANGE: before the payment's receivedOn or after today",
  })
  reversePayment(
    @OrderId() id: string,
    @Param('paymentId', new ParseIdPipe('Payment')) paymentId: string,
    @Body() body: ReversalDto,
  ): Promise<PaymentDto> {
    return this.paymentService.reverse(id, paymentId, body);
  }

  /** Pays unapplied credit back to the customer. */
  @Post(':id/refunds')
  @Roles('finance')
  @ApiProblems({
    409: `INVALID_STATE (a draft), REFUND_EXCEEDS_CREDIT (more than the unapplied credit as of paidOn), ${DUPLICATE}`,
    422: 'DATE_OUT_OF_RANGE: before signing or after today',
  })
  refund(@OrderId() id: string, @Body() body: CreateRefundDto): Promise<RefundDto> {
    return this.paymentService.refund(id, body);
  }

  /** The order's refunds. */
  @Get(':id/refunds')
  @AnyRole()
  @ApiPage(RefundDto)
  refunds(@OrderId() id: string, @Query() query: PageQueryDto): Promise<Page<RefundDto>> {
    return this.paymentService.refunds(id, query);
  }

  /**
   * The instalments: deposit and milestones, with what is paid and voided; by due date in force,
   * deposits before milestones, then tranche order.
   */
  @Get(':id/billing-schedule')
  @AnyRole()
  @ApiPage(InstalmentDto)
  billingSchedule(
    @OrderId() id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<InstalmentDto>> {
    return this.orders.billingSchedule(id, query);
  }
}

@ApiTags('shipments')
@Controller('shipments')
export class ShipmentController {
  constructor(private readonly shipments: ShipmentService) {}

  /** Lists shipments across orders. */
  @Get()
  @AnyRole()
  @ApiPage(ShipmentDto)
  list(@Query() query: ShipmentQueryDto): Promise<Page<ShipmentDto>> {
    return this.shipments.list(query);
  }

  /** The shipment an ERP recorded with this externalRef. */
  @Get('by-external-ref/:ref')
  @AnyRole()
  getByExternalRef(@Param('ref') ref: string): Promise<ShipmentDto> {
    return this.shipments.getByExternalRef(ref);
  }

  /**
   * Reverses a shipment from `reversedOn` (the goods came back, or it was keyed in error): from
   * that date its units are open again and its revenue is taken back; a completed order is
   * confirmed and planned again. Returns the shipment with `reversedOn` and `reversalReason`.
   */
  @Post(':id/reverse')
  @HttpCode(200)
  @Roles('operations', 'erp')
  @ApiProblems({
    409: 'ALREADY_REVERSED; INVALID_STATE (the order is not confirmed or completed)',
    422: "DATE_OUT_OF_RANGE: before the shipment's shippedOn or after today",
  })
  reverse(
    @Param('id', new ParseIdPipe('Shipment')) id: string,
    @Body() body: ReversalDto,
  ): Promise<ShipmentDto> {
    return this.shipments.reverse(id, body);
  }
}

@ApiTags('payments')
@Controller('payments')
export class PaymentController {
  constructor(private readonly payments: PaymentService) {}

  /** The payment an ERP recorded with this externalRef. */
  @Get('by-external-ref/:ref')
  @AnyRole()
  getByExternalRef(@Param('ref') ref: string): Promise<PaymentDto> {
    return this.payments.getByExternalRef(ref);
  }
}
