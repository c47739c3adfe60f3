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
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { ApiPage, Page, PageQueryDto } from '../common/pagination';
import { ParseIdPipe } from '../common/validation';
import {
  CreateWebhookDto,
  DeliveryQueryDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
} from './webhook.dto';
import { WebhookService } from './webhook.service';

const WebhookId = () => Param('id', new ParseIdPipe('Webhook'));

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  /**
   * Subscribes a URL to change-feed events. Each delivery is a POST of the event as JSON, signed
   * `X-Hashbook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, with the
   * event id in `X-Hashbook-Event-Id`; non-2xx answers and timeouts (10 s) are retried with
   * exponential backoff for 24 h.
   */
  @Post()
  @Roles()
  create(@Body() body: CreateWebhookDto): Promise<WebhookDto> {
    return this.webhooks.create(body);
  }

  /** Lists the webhooks. */
  @Get()
  @Roles()
  @ApiPage(WebhookDto)
  list(@Query() query: PageQueryDto): Promise<Page<WebhookDto>> {
    return this.webhooks.list(query);
  }

  /** One webhook. */
  @Get(':id')
  @Roles()
  get(@WebhookId() id: string): Promise<WebhookDto> {
    return this.webhooks.get(id);
  }

  /** Changes the URL, events or secret, or turns the subscription off or on. Honours If-Match. */
  @Patch(':id')
  @Roles()
  update(
    @WebhookId() id: string,
    @Body() body: UpdateWebhookDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WebhookDto> {
    return this.webhooks.update(id, body, ifMatch);
  }

  /** Removes the subscription and its delivery history. */
  @Delete(':id')
  @HttpCode(204)
  @Roles()
  remove(@WebhookId() id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  /** Deliveries of this subscription, oldest first, with their attempts and last outcome. */
  @Get(':id/deliveries')
  @Roles()
  @ApiPage(WebhookDeliveryDto)
  deliveries(
    @WebhookId() id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    return this.webhooks.deliveries(id, query);
  }

  /** Queues a delivery again (delivered, failed or dead) with a fresh 24 h of retries. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @Roles()
  redeliver(
    @WebhookId() id: string,
    @Param('deliveryId', new ParseIdPipe('Webhook delivery')) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.redeliver(id, deliveryId);
  }
}
