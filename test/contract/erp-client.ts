/**
 * What an ERP integration writes against the generated API types. It is type-checked by
 * `npm run contract:check`; if the API changes under it (a field renamed or removed, a new
 * required input, a route moved), this file stops compiling and the check fails.
 */
import type { components, paths } from '../../src/console/api/hashbook-api';

type Schemas = components['schemas'];
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

type CreatePurchaseOrder = Json<paths['/api/v1/purchase-orders']['post']['requestBody']>;
type PurchaseOrder = Json<paths['/api/v1/purchase-orders']['post']['responses']['201']>;
type ConfirmedOrder = Json<
  paths['/api/v1/purchase-orders/{id}/confirm']['post']['responses']['200']
>;
type EventQuery = NonNullable<paths['/api/v1/events']['get']['parameters']['query']>;
type EventPage = Json<paths['/api/v1/events']['get']['responses']['200']>;
type Problem = Schemas['Problem'];
type CreateWebhook = Json<paths['/api/v1/webhooks']['post']['requestBody']>;
type ImportResult = Json<paths['/api/v1/imports/purchase-orders']['post']['responses']['201']>;
type CreatePayment = Json<paths['/api/v1/purchase-orders/{id}/payments']['post']['requestBody']>;
type Payment = Json<paths['/api/v1/purchase-orders/{id}/payments']['post']['responses']['201']>;
type CreateShipment = Json<paths['/api/v1/purchase-orders/{id}/shipments']['post']['requestBody']>;
type Shipment = Json<paths['/api/v1/purchase-orders/{id}/shipments']['post']['responses']['201']>;
type CreateRefund = Json<paths['/api/v1/purchase-orders/{id}/refunds']['post']['requestBody']>;
type Refund = Json<paths['/api/v1/purchase-orders/{id}/refunds']['post']['responses']['201']>;
type Reversal = Json<
  paths['/api/v1/purchase-orders/{id}/payments/{paymentId}/reverse']['post']['requestBody']
>;
type PaymentImport = Json<paths['/api/v1/imports/payments']['post']['responses']['201']>;
type Exercise = Json<
  paths['/api/v1/purchase-orders/{id}/tranches/{trancheId}/exercise']['post']['requestBody']
>;
type ExercisedOrder = Json<
  paths['/api/v1/purchase-orders/{id}/tranches/{trancheId}/exercise']['post']['responses']['200']
>;
type CreateHold = Json<paths['/api/v1/holds']['post']['requestBody']>;
type Hold = Json<paths['/api/v1/holds']['post']['responses']['201']>;

/** A problem+json answer; `existingId` names the record holding a DUPLICATE business key. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
  }
}

export class HashbookClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': this.apiKey, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const problem = (await response.json()) as Problem;
      throw new ProblemError(problem);
    }
    return (await response.json()) as T;
  }

  /** Books a draft with the ERP's reference, safe to retry with the same idempotency key. */
  createPurchaseOrder(order: CreatePurchaseOrder, idempotencyKey: string): Promise<PurchaseOrder> {
    return this.call('POST', '/api/v1/purchase-orders', order, {
      'idempotency-key': idempotencyKey,
    });
  }

  confirm(order: PurchaseOrder): Promise<ConfirmedOrder> {
    return this.call('POST', `/api/v1/purchase-orders/${order.id}/confirm`, {});
  }

  events(query: EventQuery): Promise<EventPage> {
    const params = new URLSearchParams();
    if (query.after) params.set('after', query.after);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.types) params.set('types', query.types);
    return this.call('GET', `/api/v1/events?${params}`);
  }

  subscribe(webhook: CreateWebhook): Promise<Schemas['WebhookDto']> {
    return this.call('POST', '/api/v1/webhooks', webhook);
  }

  /**
   * Records a payment under the ERP's reference. Sent again after the idempotency window, the
   * reference is refused (409 DUPLICATE) and the payment already booked is read back instead.
   */
  async pay(orderId: string, payment: CreatePayment & { externalRef: string }): Promise<Payment> {
    try {
      return await this.call('POST', `/api/v1/purchase-orders/${orderId}/payments`, payment);
    } catch (error) {
      if (error instanceof ProblemError && error.problem.code === 'DUPLICATE')
        return this.paymentByExternalRef(payment.externalRef);
      throw error;
    }
  }

  paymentByExternalRef(ref: string): Promise<Payment> {
    return this.call('GET', `/api/v1/payments/by-external-ref/${encodeURIComponent(ref)}`);
  }

  reversePayment(orderId: string, paymentId: string, reversal: Reversal): Promise<Payment> {
    return this.call(
      'POST',
      `/api/v1/purchase-orders/${orderId}/payments/${paymentId}/reverse`,
      reversal,
    );
  }

  /** Records a shipment under the ERP's reference; a re-sent one reads back the one booked. */
  async ship(
    orderId: string,
    shipment: CreateShipment & { externalRef: string },
  ): Promise<Shipment> {
    try {
      return await this.call('POST', `/api/v1/purchase-orders/${orderId}/shipments`, shipment);
    } catch (error) {
      if (error instanceof ProblemError && error.problem.code === 'DUPLICATE')
        return this.shipmentByExternalRef(shipment.externalRef);
      throw error;
    }
  }

  shipmentByExternalRef(ref: string): Promise<Shipment> {
    return this.call('GET', `/api/v1/shipments/by-external-ref/${encodeURIComponent(ref)}`);
  }

  /** The measured TH/s and true-up of each item of a shipment on lines priced per TH/s. */
  trueUps(shipment: Shipment): { trancheId: string; trueUpCents: number }[] {
    return shipment.items
      .filter((item) => item.deliveredThs !== null)
      .map((item) => ({
        trancheId: item.trancheId,
        trueUpCents: Math.round(Number(item.trueUp) * 100),
      }));
  }

  /** Firms up option units of a tranche; safe to retry with the same idempotency key. */
  exercise(
    orderId: string,
    trancheId: string,
    exercise: Exercise,
    idempotencyKey: string,
  ): Promise<ExercisedOrder> {
    return this.call(
      'POST',
      `/api/v1/purchase-orders/${orderId}/tranches/${trancheId}/exercise`,
      exercise,
      { 'idempotency-key': idempotencyKey },
    );
  }

  /** Holds factory capacity for a quote the ERP sent. */
  hold(hold: CreateHold): Promise<Hold> {
    return this.call('POST', '/api/v1/holds', hold);
  }

  reverseShipment(shipmentId: string, reversal: Reversal): Promise<Shipment> {
    return this.call('POST', `/api/v1/shipments/${shipmentId}/reverse`, reversal);
  }

  refund(orderId: string, refund: CreateRefund): Promise<Refund> {
    return this.call('POST', `/api/v1/purchase-orders/${orderId}/refunds`, refund);
  }

  importPaymentsCsv(csv: string): Promise<PaymentImport> {
    return fetch(`${this.baseUrl}/api/v1/imports/payments`, {
      method: 'POST',
      headers: { 'x-api-key': this.apiKey, 'content-type': 'text/csv' },
      body: csv,
    }).then((response) => response.json() as Promise<PaymentImport>);
  }

  importCsv(csv: string, confirm: boolean): Promise<ImportResult> {
    return fetch(`${this.baseUrl}/api/v1/imports/purchase-orders?confirm=${confirm}`, {
      method: 'POST',
      headers: { 'x-api-key': this.apiKey, 'content-type': 'text/csv' },
      body: csv,
    }).then((response) => response.json() as Promise<ImportResult>);
  }
}

/** The ERP's sync loop: book an order, confirm it, then follow the change feed from a stored cursor. */
export async function syncOnce(
  client: HashbookClient,
  cursor: string | undefined,
): Promise<string> {
  const draft = await client.createPurchaseOrder(
    {
      customerId: '00000000-0000-4000-8000-000000000000',
      signedOn: '2021-02-07',
      paymentTermsCode: 'PT-30',
      customerReference: 'CS-PO-7781',
      externalRef: 'ERP-4711',
      lines: [
        {
          productModelId: '00000000-0000-4000-8000-000000000001',
          unitPrice: '3060.00',
          tranches: [
            { shipDate: '2021-03-20', quantity: 1000 },
            { shipDate: '2021-04-20', quantity: 1000, unitPrice: '2990.00' },
          ],
        },
        {
          // Priced per TH/s, with 2,000 option units the customer may firm up by 2021-05-31.
          productModelId: '00000000-0000-4000-8000-000000000002',
          pricePerThs: '28.50',
          tranches: [
            { shipDate: '2021-05-20', quantity: 500 },
            { shipDate: '2021-06-20', quantity: 2000, optionExerciseBy: '2021-05-31' },
          ],
        },
      ],
      hashrateTolerancePercent: 3,
    },
    'erp-4711-create',
  );
  const perThs: string | null = draft.lines[1].pricePerThs;
  const optionUnits: number = draft.lines[1].tranches[1].optionQuantity;
  const number: string = draft.number;
  const status: Schemas['PurchaseOrderStatus'] = draft.status;
  const openUnits: number = draft.lines
    .flatMap((line) => line.tranches)
    .reduce((n, t) => n + t.openQuantity, 0);
  const value: string = draft.totals.value;
  const confirmed = await client.confirm(draft);
  const version: number = confirmed.version;
  console.log(number, status, openUnits, value, version, draft.externalRef ?? '', perThs);
  const exercised = await client.exercise(
    draft.id,
    draft.lines[1].tranches[1].id,
    { exercisedOn: '2021-05-10', quantity: Math.min(optionUnits, 1000) },
    'erp-4711-exercise-1',
  );
  console.log(exercised.totals.openQuantity);
  const trued = await client.ship(draft.id, {
    shippedOn: '2021-05-20',
    externalRef: 'ERP-4711-SHP-1',
    items: [{ trancheId: draft.lines[1].tranches[0].id, quantity: 500, deliveredThs: 44_100 }],
  });
  console.log(client.trueUps(trued), trued.trueUp);
  const hold: Schemas['HoldDto'] = await client.hold({
    productModelId: '00000000-0000-4000-8000-000000000002',
    customerId: '00000000-0000-4000-8000-000000000000',
    quantity: 3000,
    expiresOn: '2021-06-30',
    note: 'Quote Q-2021-118',
  });
  console.log(hold.id);

  const page = await client.events({
    after: cursor,
    limit: 500,
    types: 'purchase_order.confirmed,shipment.created',
  });
  for (const event of page.items) {
    const type: Schemas['EventType'] = event.type;
    if (type === 'purchase_order.confirmed')
      console.log(event.entityId, event.occurredAt, event.data);
  }
  // Never null: the cursor to store for the next poll.
  const next: string = page.nextCursor;

  await client.subscribe({
    url: 'https://erp.example.com/hooks',
    events: ['*'],
    secret: 'whsec_0123456789abcdef',
  });
  const imported = await client.importCsv(
    'externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity\n',
    true,
  );
  const created: number = imported.created;
  console.log(
    created,
    imported.orders.map((o) => o.number),
  );

  // Money and goods under the ERP's own references, safe to re-send after any outage.
  const payment = await client.pay(confirmed.id, {
    amount: '5508000.00',
    receivedOn: '2021-02-14',
    reference: 'WIRE-0214',
    externalRef: 'SAP-PAY-4711-1',
  });
  const reversedOn: string | null = payment.reversedOn;
  const shipment = await client.ship(confirmed.id, {
    shippedOn: '2021-03-20',
    externalRef: 'SAP-DLV-4711-1',
    items: [{ trancheId: confirmed.lines[0].tranches[0].id, quantity: 1000 }],
  });
  const returned = await client.reverseShipment(shipment.id, {
    reversedOn: '2021-03-25',
    reason: 'Container returned',
  });
  const reversal: string | null = returned.reversalReason;
  const recalled = await client.reversePayment(confirmed.id, payment.id, {
    reversedOn: '2021-03-01',
    reason: 'Wire recalled',
  });
  const refund = await client.refund(confirmed.id, {
    amount: '100.00',
    paidOn: '2021-03-02',
    reference: 'RFD-1',
    externalRef: 'SAP-RFD-4711-1',
  });
  const again = await client.shipmentByExternalRef('SAP-DLV-4711-1');
  const paid = await client.importPaymentsCsv(
    'externalRef,purchaseOrderExternalRef,purchaseOrderNumber,amount,receivedOn,reference\n',
  );
  console.log(reversedOn, reversal, recalled.reversedOn, refund.amount, again.items, paid.payments);
  return next;
}
