import { TestApp } from './test-app';

/** Small builders for order-book tests; every call goes through the API. */
export class OrderFactory {
  private n = 0;
  constructor(
    private readonly t: TestApp,
    private readonly key: string = t.adminKey,
  ) {}

  private post(path: string, body: object) {
    return this.t.http().post(`/api/v1${path}`).set('X-API-Key', this.key).send(body);
  }

  async productModel(overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
    this.n += 1;
    const res = await this.post('/product-models', {
      sku: `TEST-${Date.now().toString(36)}-${this.n}`,
      name: 'AvalonMiner A1246',
      series: 'A12',
      hashrateThs: 90,
      powerW: 3420,
      listPrice: '3060.00',
      ...overrides,
    });
    if (res.status !== 201)
      throw new Error(`product model: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async customer(overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
    this.n += 1;
    const res = await this.post('/customers', {
      name: `Customer ${Date.now().toString(36)} ${this.n}`,
      legalName: 'Test Mining Inc.',
      segment: 'public_miner',
      country: 'US',
      ...overrides,
    });
    if (res.status !== 201) throw new Error(`customer: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async terms(
    code: string,
    depositPercent: number,
    depositDueDays: number,
    milestones: { percent: number; dueDaysFromShip: number }[],
  ) {
    const res = await this.post('/payment-terms', {
      code,
      name: code,
      depositPercent,
      depositDueDays,
      milestones,
    });
    if (res.status !== 201) throw new Error(`terms: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async order(body: Record<string, unknown>, confirm = true) {
    const created = await this.post('/purchase-orders', body);
    if (created.status !== 201)
      throw new Error(`order: ${created.status} ${JSON.stringify(created.body)}`);
    if (!confirm) return created.body;
    const confirmed = await this.post(`/purchase-orders/${created.body.id}/confirm`, {});
    if (confirmed.status !== 200)
      throw new Error(`confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    return confirmed.body;
  }

  async ship(orderId: string, shippedOn: string, items: { trancheId: string; quantity: number }[]) {
    const res = await this.post(`/purchase-orders/${orderId}/shipments`, {
      shippedOn,
      reference: `SHP-${shippedOn}`,
      items,
    });
    if (res.status !== 201) throw new Error(`ship: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async pay(orderId: string, receivedOn: string, amount: string) {
    const res = await this.post(`/purchase-orders/${orderId}/payments`, {
      receivedOn,
      amount,
      reference: `PAY-${receivedOn}`,
    });
    if (res.status !== 201) throw new Error(`pay: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async amend(orderId: string, effectiveOn: string, changes: object[]) {
    const res = await this.post(`/purchase-orders/${orderId}/amendments`, {
      effectiveOn,
      reason: 'test',
      changes,
    });
    if (res.status !== 200) throw new Error(`amend: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async reversePayment(orderId: string, paymentId: string, reversedOn: string) {
    const res = await this.post(`/purchase-orders/${orderId}/payments/${paymentId}/reverse`, {
      reversedOn,
      reason: 'test',
    });
    if (res.status !== 200)
      throw new Error(`reverse payment: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async reverseShipment(shipmentId: string, reversedOn: string) {
    const res = await this.post(`/shipments/${shipmentId}/reverse`, { reversedOn, reason: 'test' });
    if (res.status !== 200)
      throw new Error(`reverse shipment: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async refund(orderId: string, paidOn: string, amount: string) {
    const res = await this.post(`/purchase-orders/${orderId}/refunds`, {
      paidOn,
      amount,
      reference: `RFD-${paidOn}`,
    });
    if (res.status !== 201) throw new Error(`refund: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Every item of a list, following its cursors. */
  async all<T = Record<string, unknown>>(path: string, limit = 500): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: T[]; nextCursor: string | null } } = await this.t
        .http()
        .get(`/api/v1${path}`)
        .query({ limit, ...(cursor ? { cursor } : {}) })
        .set('X-API-Key', this.key);
      if (res.status !== 200) throw new Error(`list: ${res.status} ${JSON.stringify(res.body)}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  async report(path: string, query: Record<string, string>) {
    const res = await this.t
      .http()
      .get(`/api/v1/reports/${path}`)
      .query(query)
      .set('X-API-Key', this.key);
    if (res.status !== 200) throw new Error(`report: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

export const tranchesOf = (order: { lines: { tranches: { id: string; shipDate: string }[] }[] }) =>
  order.lines.flatMap((line) => line.tranches);
