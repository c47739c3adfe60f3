import { Body, Controller, Post, Query, Res } from '@nestjs/common';
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
import { CSV_COLUMNS } from './import-csv';
import {
  ImportPurchaseOrderDto,
  ImportQueryDto,
  ImportResultDto,
  ImportSummaryDto,
} from './import.dto';
import { ImportService } from './import.service';

@ApiTags('imports')
@Controller('imports')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  /**
   * Imports purchase orders, all or nothing. `text/csv` with the header
   * `externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity`
   * (one row per tranche; rows sharing externalRef form one order, rows of an order sharing sku and
   * unitPrice one line; empty unitPrice = list price, empty paymentTermsCode = the customer's
   * default), or a JSON array of purchase-order bodies, each with `externalRef`. Any bad row: 422
   * `IMPORT_INVALID` with `errors: [{row, path, message}]` and nothing written. `dryRun=true`
   * validates only (200 with a summary); `confirm=true` confirms every order too. At most 1,000
   * orders per request.
   */
  @Post('purchase-orders')
  @Roles('erp')
  @ApiConsumes('text/csv', 'application/json')
  @ApiExtraModels(ImportPurchaseOrderDto)
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: getSchemaPath(ImportPurchaseOrderDto) } },
        { type: 'string', description: `CSV with the header ${CSV_COLUMNS.join(',')}` },
      ],
    },
  })
  @ApiCreatedResponse({ type: ImportResultDto, description: 'Every order created' })
  @ApiOkResponse({ type: ImportSummaryDto, description: 'Dry run: valid, nothing written' })
  async importPurchaseOrders(
    @Body() body: unknown,
    @Query() query: ImportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportResultDto | ImportSummaryDto> {
    void reply.status(query.dryRun ? 200 : 201);
    return this.imports.importPurchaseOrders(body, query);
  }
}
