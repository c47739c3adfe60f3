import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/integration/signature';

export interface Receipt {
  eventId: string;
  deliveryId: string;
  signatureValid: boolean;
  contentType: string | undefined;
  body: {
    id: string;
    type: string;
    occurredAt: string;
    entityType: string;
    entityId: string;
    data: Record<string, unknown>;
  };
  raw: string;
  at: number;
  /** What the receiver answered (0: nothing, it hung up). */
  status: number;
}

/**
 * A webhook receiver on 127.0.0.1 that checks every signature and keeps what arrived. `answer`
 * decides the status (and may wait) per request.
 */
export class Receiver {
  /** Every request that arrived, answered or not. */
  readonly arrivals: Receipt[] = [];
  answer: (receipt: Receipt, attempt: number) => number | Promise<number> = () => 200;
  private server?: Server;
  private readonly open = new Set<ServerResponse>();
  url = '';

  constructor(readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server?.closeAllConnections();
    await new Promise((done) => this.server?.close(done));
  }

  /** The requests answered 2xx: the deliveries that succeeded. */
  get receipts(): Receipt[] {
    return this.arrivals.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** How many times each event id was accepted. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.receipts) counts.set(r.eventId, (counts.get(r.eventId) ?? 0) + 1);
    return counts;
  }

  async waitFor(done: () => boolean, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(
          `Receiver: still waiting after ${timeoutMs} ms (${this.receipts.length} received)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.open.add(response);
    response.on('close', () => this.open.delete(response));
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const receipt: Receipt = {
      eventId: String(request.headers['x-hashbook-event-id']),
      deliveryId: String(request.headers['x-hashbook-delivery-id']),
      signatureValid: verifySignature(
        this.secret,
        raw,
        request.headers['x-hashbook-signature'] as string | undefined,
      ),
      contentType: request.headers['content-type'],
      body: JSON.parse(raw),
      raw,
      at: Date.now(),
      status: 0,
    };
    const attempt = this.arrivals.filter((r) => r.eventId === receipt.eventId).length + 1;
    this.arrivals.push(receipt);
    const status = await this.answer(receipt, attempt);
    if (status === 0) return; // never answers: the sender times out
    receipt.status = status;
    response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
  }
}
