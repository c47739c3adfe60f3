import { applyDecorators, Body, Controller, Post, Query, Res, Type } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../access/roles.decorator';
import { AcceptsBody, IMPORT_BODY_LIMIT } from '../common/http-layer';
import { CSV_COLUMNS, PAYMENT_CSV_COLUMNS, SHIPMENT_CSV_COLUMNS } from './import-csv';
import {
  DryRunQueryDto,
  ImportPaymentDto,
  ImportPaymentsResultDto,
  ImportPaymentsSummaryDto,
  ImportPurchaseOrderDto,
  ImportQueryDto,
  ImportResultDto,
  ImportShipmentDto,
  ImportShipmentsResultDto,
  ImportShipmentsSummaryDto,
  ImportSummaryDto,
} from './import.dto';
import { ImportService, MAX_IMPORT_ORDERS } from './import.service';

/**
 * An import route (erp): CSV with these columns or a JSON array of `item` bodies; 201 with what was
 * created, or 200 with a dry run's summary.
 */
const ApiImport = (
  item: Type<unknown>,
  columns: readonly string[],
  created: Type<unknown>,
  summary: Type<unknown>,
) =>
  applyDecorators(
    Roles('erp'),
    AcceptsBody({ mediaTypes: ['text/csv', 'application/json'], limit: IMPORT_BODY_LIMIT }),
    ApiConsumes('text/csv', 'application/json'),
    ApiExtraModels(item),
    ApiBody({
      schema: {
        oneOf: [
          { type: 'array', maxItems: MAX_IMPORT_ORDERS, items: { $ref: getSchemaPath(item) } },
          {
            type: 'string',
            maxLength: IMPORT_BODY_LIMIT,
            description: `CSV with the header ${columns.join(',')}`,
          },
        ],
      },
    }),
    ApiCreatedResponse({ type: created, description: 'Everything created' }),
    ApiOkResponse({ type: summary, description: 'Dry run: valid, nothing kept' }),
  );

@ApiTags('imports')
@Controller('imports')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  /**
   * Imports purchase orders, all or nothing. `text/csv` with the header
   * `externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity`
   * (one row per tranche; rows sharing externalRef form one order, rows of an order sharing sku and
   * unitPrice one line; empty unitPrice = list price, empty paymentTermsCode = the customer's
   * default; an optional last column `optionExerciseBy` makes the row's units option units
   * exercisable until that date), or a JSON array of purchase-order bodies, each with `externalRef`. Any bad row: 422
   * `IMPORT_INVALID` with `errors: [{row, path, message}]` and nothing written. `dryRun=true`
   * validates only (200 with a summary); `confirm=true` confirms every order too. At most 1,000
   * orders per request.
   */
  @Post('purchase-orders')
  @ApiImport(ImportPurchaseOrderDto, CSV_COLUMNS, ImportResultDto, ImportSummaryDto)
  async importPurchaseOrders(
    @Body() body: unknown,
    @Query() query: ImportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportResultDto | ImportSummaryDto> {
    void reply.status(query.dryRun ? 200 : 201);
    return this.imports.importPurchaseOrders(body, query);
  }

  /**
   * Imports payments, all or nothing, each applied as POST /purchase-orders/{id}/payments applies
   * it. `text/csv` with the header
   * `externalRef,purchaseOrderExternalRef,purchaseOrderNumber,amount,receivedOn,reference` (one
   * row per payment; the order by externalRef or by number, one of the two), or a JSON array of
   * payment bodies. Every payment needs an `externalRef` no payment has yet. Any bad row: 422
   * `IMPORT_INVALID` with `errors: [{row, path, message}]` and nothing written. `dryRun=true` books
   * everything and rolls it back (200 with a summary). At most 1,000 payments per request.
   */
  @Post('payments')
  @ApiImport(
    ImportPaymentDto,
    PAYMENT_CSV_COLUMNS,
    ImportPaymentsResultDto,
    ImportPaymentsSummaryDto,
  )
  async importPayments(
    @Body() body: unknown,
    @Query() query: DryRunQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportPaymentsResultDto | ImportPaymentsSummaryDto> {
    void reply.status(query.dryRun ? 200 : 201);
    return this.imports.importPayments(body, query);
  }

  /**
   * Imports shipments, all or nothing, each booked as POST /purchase-orders/{id}/shipments books
   * it. `text/csv` with the header
   * `externalRef,purchaseOrderExternalRef,purchaseOrderNumber,shippedOn,reference,trancheSequence,quantity`
   * (one row per item, the tranche by its sequence on the order; rows sharing externalRef form one
   * shipment), or a JSON array of shipment bodies (items by `trancheId` or `trancheSequence`).
   * Every shipment needs an `externalRef` no shipment has yet. Any bad row: 422 `IMPORT_INVALID`
   * and nothing written. `dryRun=true` books everything and rolls it back. At most 1,000
   * shipments per request.
   */
  @Post('shipments')
  @ApiImport(
    ImportShipmentDto,
    SHIPMENT_CSV_COLUMNS,
    ImportShipmentsResultDto,
    ImportShipmentsSummaryDto,
  )
  async importShipments(
    @Body() body: unknown,
    @Query() query: DryRunQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportShipmentsResultDto | ImportShipmentsSummaryDto> {
    void reply.status(query.dryRun ? 200 : 201);
    return this.imports.importShipments(body, query);
  }
}
