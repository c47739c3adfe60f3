import { Injectable } from '@nestjs/common';
import { DeepPartial, EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { Page, PageQueryDto, paginate } from '../common/pagination';
import { PreparedQueries } from '../database/prepared-queries';
import { Amendment } from './amendment.entity';
import { OrderEntry } from './order-entry';
import { OrderLine } from './order-line.entity';
import { PaymentTerms } from './payment-terms.entity';
import { Payment, PaymentReversal } from './payment.entity';
import { OrderStatus, PurchaseOrder } from './purchase-order.entity';
import { Refund } from './refund.entity';
import { Shipment, ShipmentItem, ShipmentReversal } from './shipment.entity';
import { Instalment } from './timeline.entity';
import { Tranche } from './tranche.entity';

export interface LineRow {
  id: string;
  purchase_order_id: string;
  line_no: number;
  product_model_id: string;
  unit_price_cents: number;
  /** Null on a line priced per unit. */
  price_per_ths_cents: number | null;
  unit_hashrate_ths: number | null;
}

/** A tranche's current figures, with its model's hash rate (TH/s). */
export interface TrancheRow {
  id: string;
  purchase_order_id: string;
  line_id: string;
  product_model_id: string;
  sequence: number;
  ship_date: string;
  quantity: number;
  unit_price_cents: number;
  shipped_quantity: number;
  cancelled_quantity: number;
  /** Σ shipped units × the price each shipped at. */
  shipped_value_cents: number;
  hashrate_ths: number;
  /** Option units still to be exercised as of today (0 once lapsed). */
  option_quantity: number;
  exercised_quantity: number;
  option_exercise_by: string | null;
  /** Option units neither exercised nor cancelled, lapsed or not. */
  option_units: number;
}

export const openQuantity = (
  t: Pick<TrancheRow, 'quantity' | 'shipped_quantity' | 'cancelled_quantity'>,
): number => t.quantity - t.shipped_quantity - t.cancelled_quantity;

export interface OrderWithLines {
  order: PurchaseOrder;
  /** By line number. */
  lines: LineRow[];
  /** By sequence. */
  tranches: TrancheRow[];
}

export type NewDraft = Pick<
  PurchaseOrder,
  | 'id'
  | 'customerId'
  | 'signedOn'
  | 'paymentTermsCode'
  | 'customerReference'
  | 'externalRef'
  | 'opportunityId'
  | 'hashrateTolerancePercent'
>;
export type NewLine = Pick<
  OrderLine,
  'id' | 'lineNo' | 'productModelId' | 'unitPriceCents' | 'pricePerThsCents' | 'unitHashrateThs'
>;
export type NewTranche = Pick<
  Tranche,
  'id' | 'lineId' | 'productModelId' | 'sequence' | 'shipDate' | 'quantity' | 'unitPriceCents'
> &
  Partial<Pick<Tranche, 'optionQuantity' | 'optionExerciseBy'>>;

/** What the checks of a draft need to know of a product model. */
export interface ModelFacts {
  id: string;
  status: string;
  list_price_cents: number;
  hashrate_ths: number;
}

/** Whether a draft's customer and payment terms exist (true when not asked), and its models. */
export interface DraftReferences {
  customer_found: boolean;
  terms_found: boolean;
  models: ModelFacts[];
}

export type DraftFields = Pick<
  PurchaseOrder,
  | 'customerId'
  | 'signedOn'
  | 'paymentTermsCode'
  | 'customerReference'
  | 'externalRef'
  | 'hashrateTolerancePercent'
>;

/** What a booked order's row holds after a change: its status, its credit, and at confirmation its terms. */
export interface BookedState {
  status: OrderStatus;
  unappliedCents: number;
  confirmed: Pick<PurchaseOrder, 'terms' | 'paymentTermsCode'> | null;
}

export interface ShipmentFilter {
  purchaseOrderId?: string;
  customerId?: string;
  from?: string;
  to?: string;
}

/** A reversal as a payment or shipment reads back with it. */
export type ReversalFacts = Pick<PaymentReversal, 'reversedOn' | 'reason'>;

export interface ShipmentWithItems {
  shipment: Shipment;
  /** By tranche sequence. */
  items: ShippedItem[];
  reversal: ReversalFacts | null;
}

/** A shipment's item as stored: measured TH/s (null when not given) and its true-up. */
export interface ShippedItem {
  trancheId: string;
  quantity: number;
  deliveredThs: number | null;
  trueUpCents: number;
}

export interface PaymentWithReversal {
  payment: Payment;
  reversal: ReversalFacts | null;
}

/** The kinds of record that carry an ERP's externalRef, unique per kind, and their tables. */
export const EXTERNAL_REF_TABLES = {
  payment: 'payment',
  shipment: 'shipment',
  refund: 'refund',
} as const;
export type ExternalRefKind = keyof typeof EXTERNAL_REF_TABLES;

/**
 * A draft's lines and tranches, from parallel arrays: $1 is the order, $2 its customer, $3…$13 the
 * rows, $14 and $15 the lines' prices per TH/s and TH/s, $16 and $17 the tranches' option units and
 * exercise-by dates. A tranche's contract
 * (quantity, ship date and price at signing) is what it is booked with.
 */
const INSERT_LINES = `
  l AS (
    INSERT INTO order_line (id, purchase_order_id, line_no, product_model_id, unit_price_cents, price_per_ths_cents,
                            unit_hashrate_ths)
    SELECT x.id, $1, x.no, x.model, x.price, x.per_ths, x.ths
      FROM unnest($3::uuid[], $4::int[], $5::uuid[], $6::bigint[], $14::bigint[], $15::numeric[])
        AS x(id, no, model, price, per_ths, ths)
  ), t AS (
    INSERT INTO tranche (id, purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity,
                         unit_price_cents, contract_quantity, contract_ship_date, contract_unit_price_cents,
                         option_quantity, option_exercise_by, option_units)
    SELECT x.id, $1, $2, x.line, x.model, x.seq, x.ship, x.qty, x.price, x.qty, x.ship, x.price,
           x.option, x.option_by, x.option
      FROM unnest($7::uuid[], $8::uuid[], $9::uuid[], $10::int[], $11::date[], $12::int[], $13::bigint[],
                  $16::int[], $17::date[])
        AS x(id, line, model, seq, ship, qty, price, option, option_by)
  )`;

const INSERT_DRAFT = `
  WITH o AS (
    INSERT INTO purchase_order (id, number, customer_id, signed_on, payment_terms_code, customer_reference, external_ref,
                                opportunity_id, hashrate_tolerance_percent)
    SELECT $1, 'PO-' || to_char($18::date, 'YYYY') || '-' || lpad(n::text, greatest(5, length(n::text)), '0'),
           $2, $18, $19, $20, $21, $22, $23
      FROM nextval('purchase_order_number_seq') AS n
    RETURNING number, created_at
  ), ${INSERT_LINES}
  SELECT number, created_at FROM o`;

const linesParams = (
  orderId: string,
  customerId: string,
  lines: NewLine[],
  tranches: NewTranche[],
): unknown[] => [
  orderId,
  customerId,
  lines.map((l) => l.id),
  lines.map((l) => l.lineNo),
  lines.map((l) => l.productModelId),
  lines.map((l) => l.unitPriceCents),
  tranches.map((t) => t.id),
  tranches.map((t) => t.lineId),
  tranches.map((t) => t.productModelId),
  tranches.map((t) => t.sequence),
  tranches.map((t) => t.shipDate),
  tranches.map((t) => t.quantity),
  tranches.map((t) => t.unitPriceCents),
  lines.map((l) => l.pricePerThsCents),
  lines.map((l) => l.unitHashrateThs),
  tranches.map((t) => t.optionQuantity ?? 0),
  tranches.map((t) => t.optionExerciseBy ?? null),
];

/**
 * Purchase orders with their lines and tranches, amendments, shipments, payments and the billing
 * schedule: every read and write of the orders module's own tables but the replayed timeline (see
 * TimelineRepository). Methods that may run in a transaction take its manager first.
 */
@Injectable()
export class PurchaseOrderRepository {
  constructor(
    private readonly prepared: PreparedQueries,
    private readonly clock: Clock,
  ) {}

  // ---- orders ----

  /** The order row locked FOR UPDATE until the transaction ends; 404 when unknown. */
  async lock(tx: EntityManager, id: string): Promise<PurchaseOrder> {
    const order = await tx
      .getRepository(PurchaseOrder)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!order) throw new NotFoundError('Purchase order', id);
    return order;
  }

  /** 404 unless the order exists. */
  async assertExists(db: EntityManager, id: string): Promise<void> {
    if (!(await db.getRepository(PurchaseOrder).existsBy({ id })))
      throw new NotFoundError('Purchase order', id);
  }

  async get(db: EntityManager, id: string): Promise<OrderWithLines> {
    const order = await db.getRepository(PurchaseOrder).findOneBy({ id });
    if (!order) throw new NotFoundError('Purchase order', id);
    const [found] = await this.withLines(db, [order]);
    return found;
  }

  /** The order as already read (and locked) in this transaction, with its lines and tranches. */
  async withLinesOf(db: EntityManager, order: PurchaseOrder): Promise<OrderWithLines> {
    const [found] = await this.withLines(db, [order]);
    return found;
  }

  async getByExternalRef(db: EntityManager, ref: string): Promise<OrderWithLines> {
    const order = await db.getRepository(PurchaseOrder).findOneBy({ externalRef: ref });
    if (!order) throw new NotFoundError('Purchase order with externalRef', ref);
    const [found] = await this.withLines(db, [order]);
    return found;
  }

  async page(
    db: EntityManager,
    query: PageQueryDto & { customerId?: string; status?: OrderStatus; productModelId?: string },
  ): Promise<Page<OrderWithLines>> {
    const qb = db.getRepository(PurchaseOrder).createQueryBuilder('o');
    if (query.customerId)
      qb.andWhere('o.customer_id = :customerId', { customerId: query.customerId });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.productModelId) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM order_line l WHERE l.purchase_order_id = o.id AND l.product_model_id = :productModelId)',
        { productModelId: query.productModelId },
      );
    }
    const page = await paginate(qb, query, (order) => order);
    return { items: await this.withLines(db, page.items), nextCursor: page.nextCursor };
  }

  /** The orders' lines and tranches, one query each. */
  private async withLines(db: EntityManager, orders: PurchaseOrder[]): Promise<OrderWithLines[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const lines = await this.linesOf(db, ids);
    const tranches = await this.tranchesOf(db, ids);
    return orders.map((order) => ({
      order,
      lines: lines.filter((l) => l.purchase_order_id === order.id),
      tranches: tranches.filter((t) => t.purchase_order_id === order.id),
    }));
  }

  linesOf(db: EntityManager, orderIds: string[]): Promise<LineRow[]> {
    return db.query(
      `SELECT id, purchase_order_id, line_no, product_model_id, unit_price_cents, price_per_ths_cents,
              unit_hashrate_ths::float8 AS unit_hashrate_ths
         FROM order_line WHERE purchase_order_id = ANY($1::uuid[]) ORDER BY line_no`,
      [orderIds],
    );
  }

  /** The orders named by these externalRefs or numbers (for imports that name orders so). */
  ordersNamed(
    db: EntityManager,
    externalRefs: string[],
    numbers: string[],
  ): Promise<{ id: string; number: string; external_ref: string | null }[]> {
    return db.query(
      `SELECT id, number, external_ref FROM purchase_order
        WHERE external_ref = ANY($1::text[]) OR number = ANY($2::text[])`,
      [externalRefs, numbers],
    );
  }

  /** With what their shipped units are worth, from the current segment of the replayed book. */
  tranchesOf(db: EntityManager, orderIds: string[]): Promise<TrancheRow[]> {
    return db.query(
      `SELECT t.id, t.purchase_order_id, t.line_id, t.product_model_id, t.sequence, t.ship_date, t.quantity,
              t.unit_price_cents, t.shipped_quantity, t.cancelled_quantity,
              coalesce(s.shipped_value_cents, 0) AS shipped_value_cents, m.hashrate_ths::float8 AS hashrate_ths,
              CASE WHEN t.option_exercise_by >= $2::date THEN t.option_units ELSE 0 END AS option_quantity,
              t.exercised_quantity, t.option_exercise_by, t.option_units
         FROM tranche t JOIN product_model m ON m.id = t.product_model_id
         LEFT JOIN tranche_segment s ON s.tranche_id = t.id AND s.valid_to IS NULL
        WHERE t.purchase_order_id = ANY($1::uuid[]) ORDER BY t.sequence`,
      [orderIds, this.clock.today()],
    );
  }

  /**
   * The one write of a booked order's row in a change: status, version, time, the credit the
   * replay left unapplied, and at confirmation the terms it copied.
   */
  async saveBooked(tx: EntityManager, id: string, state: BookedState): Promise<void> {
    await tx.getRepository(PurchaseOrder).update(id, {
      status: state.status,
      unappliedCents: state.unappliedCents,
      version: () => 'version + 1',
      updatedAt: () => 'now()',
      ...(state.confirmed && {
        terms: state.confirmed.terms,
        paymentTermsCode: state.confirmed.paymentTermsCode,
        confirmedAt: () => 'now()',
      }),
    });
  }

  // ---- drafts ----

  /**
   * The references of a draft, read in one statement and kept as they are until the transaction
   * ends: the customer key-share locked, the models share locked.
   */
  async draftReferences(
    tx: EntityManager,
    refs: { customerId: string | null; paymentTermsCode: string | null; productModelIds: string[] },
  ): Promise<DraftReferences> {
    const [found]: DraftReferences[] = await tx.query(
      `SELECT $1::uuid IS NULL OR EXISTS (SELECT 1 FROM customer WHERE id = $1 FOR KEY SHARE) AS customer_found,
              $2::text IS NULL OR EXISTS (SELECT 1 FROM payment_terms WHERE code = $2) AS terms_found,
              coalesce((SELECT json_agg(m) FROM (
                SELECT id, status, list_price_cents, hashrate_ths::float8 AS hashrate_ths
                  FROM product_model WHERE id = ANY($3::uuid[]) ORDER BY id FOR SHARE
              ) m), '[]') AS models`,
      [refs.customerId, refs.paymentTermsCode, refs.productModelIds],
    );
    return found;
  }

  /**
   * Inserts a draft with its lines and tranches, numbered PO-<signing year>-<next of the sequence>:
   * one prepared statement, the only way a draft is written.
   */
  async insertDraft(
    tx: EntityManager,
    order: NewDraft,
    lines: NewLine[],
    tranches: NewTranche[],
  ): Promise<{ number: string; created_at: Date }> {
    const [created] = await this.prepared.prepared<{ number: string; created_at: Date }>(
      tx,
      INSERT_DRAFT,
      [
        ...linesParams(order.id, order.customerId, lines, tranches),
        order.signedOn,
        order.paymentTermsCode,
        order.customerReference,
        order.externalRef,
        order.opportunityId,
        order.hashrateTolerancePercent,
      ],
    );
    return created;
  }

  async updateDraft(tx: EntityManager, id: string, fields: DraftFields): Promise<void> {
    await tx.getRepository(PurchaseOrder).update(id, {
      ...fields,
      version: () => 'version + 1',
      updatedAt: () => 'now()',
    });
  }

  /** A draft's lines replaced whole. */
  async replaceLines(
    tx: EntityManager,
    orderId: string,
    customerId: string,
    lines: NewLine[],
    tranches: NewTranche[],
  ): Promise<void> {
    await tx.getRepository(Tranche).delete({ purchaseOrderId: orderId });
    await tx.getRepository(OrderLine).delete({ purchaseOrderId: orderId });
    await tx.query(
      `WITH ${INSERT_LINES} SELECT 1`,
      linesParams(orderId, customerId, lines, tranches),
    );
  }

  /** Deletes a draft with its lines and tranches (a draft has nothing else). */
  async deleteDraft(tx: EntityManager, id: string): Promise<void> {
    await tx.getRepository(PurchaseOrder).delete({ id, status: 'draft' });
  }

  /** The tranches carry their order's customer (for reports by customer). */
  async moveTranches(tx: EntityManager, orderId: string, customerId: string): Promise<void> {
    await tx.getRepository(Tranche).update({ purchaseOrderId: orderId }, { customerId });
  }

  findTerms(db: EntityManager, code: string): Promise<PaymentTerms | null> {
    return db.getRepository(PaymentTerms).findOneBy({ code });
  }

  // ---- amendments ----

  async insertAmendment(
    tx: EntityManager,
    amendment: Pick<
      Amendment,
      'id' | 'purchaseOrderId' | 'kind' | 'effectiveOn' | 'reason' | 'changes'
    >,
  ): Promise<void> {
    await tx.getRepository(Amendment).insert(amendment);
  }

  /** Tranches an amendment adds: their contract is nothing; the amendment books their units. */
  async insertAddedTranches(
    tx: EntityManager,
    order: Pick<PurchaseOrder, 'id' | 'customerId'>,
    amendmentId: string,
    tranches: NewTranche[],
  ): Promise<void> {
    if (tranches.length === 0) return;
    await tx.getRepository(Tranche).insert(
      tranches.map((t) => ({
        ...t,
        purchaseOrderId: order.id,
        customerId: order.customerId,
        contractQuantity: 0,
        contractShipDate: t.shipDate,
        contractUnitPriceCents: t.unitPriceCents,
        addedByAmendmentId: amendmentId,
      })),
    );
  }

  amendmentPage(db: EntityManager, orderId: string, query: PageQueryDto): Promise<Page<Amendment>> {
    const qb = db
      .getRepository(Amendment)
      .createQueryBuilder('a')
      .andWhere('a.purchase_order_id = :orderId', { orderId });
    return paginate(qb, query, (amendment) => amendment);
  }

  // ---- shipments, payments, refunds and their reversals ----

  /**
   * Inserts one record booked against an order (a payment, a refund, a reversal) and returns it
   * with what the database gave it (its id and creation instant).
   */
  async insert<E extends OrderEntry>(
    tx: EntityManager,
    type: new () => E,
    values: Omit<E, 'id' | 'createdAt'>,
  ): Promise<E> {
    const repository = tx.getRepository(type);
    const row = repository.create(values as DeepPartial<E>);
    await repository.insert(row as QueryDeepPartialEntity<E>);
    return row;
  }

  async insertShipment(
    tx: EntityManager,
    shipment: Omit<Shipment, 'id' | 'createdAt'>,
    items: ShippedItem[],
  ): Promise<Shipment> {
    const row = await this.insert(tx, Shipment, shipment);
    await tx
      .getRepository(ShipmentItem)
      .insert(items.map((item) => ({ shipmentId: row.id, ...item })));
    return row;
  }

  async shipmentPage(
    db: EntityManager,
    filter: ShipmentFilter,
    query: PageQueryDto,
  ): Promise<Page<ShipmentWithItems>> {
    const qb = db.getRepository(Shipment).createQueryBuilder('s');
    if (filter.purchaseOrderId)
      qb.andWhere('s.purchase_order_id = :orderId', { orderId: filter.purchaseOrderId });
    if (filter.from) qb.andWhere('s.shipped_on >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('s.shipped_on <= :to', { to: filter.to });
    if (filter.customerId)
      qb.andWhere('s.customer_id = :customerId', { customerId: filter.customerId });
    const page = await paginate(qb, query, (shipment) => shipment);
    return { items: await this.withItems(db, page.items), nextCursor: page.nextCursor };
  }

  /** One shipment with its items and reversal; null when unknown. */
  async shipment(
    db: EntityManager,
    where: { id: string } | { externalRef: string },
  ): Promise<ShipmentWithItems | null> {
    const shipment = await db.getRepository(Shipment).findOneBy(where);
    return shipment ? (await this.withItems(db, [shipment]))[0] : null;
  }

  /** The shipments' items (by tranche sequence) and reversals, one query each. */
  private async withItems(db: EntityManager, shipments: Shipment[]): Promise<ShipmentWithItems[]> {
    if (shipments.length === 0) return [];
    const ids = shipments.map((s) => s.id);
    const items: {
      shipment_id: string;
      tranche_id: string;
      quantity: number;
      delivered_ths: number | null;
      true_up_cents: number;
    }[] = await db.query(
      `SELECT i.shipment_id, i.tranche_id, i.quantity, i.delivered_ths::float8 AS delivered_ths, i.true_up_cents
         FROM shipment_item i JOIN tranche t ON t.id = i.tranche_id
        WHERE i.shipment_id = ANY($1::uuid[]) ORDER BY t.sequence`,
      [ids],
    );
    const reversals = await db.getRepository(ShipmentReversal).findBy({ shipmentId: In(ids) });
    return shipments.map((shipment) => ({
      shipment,
      items: items
        .filter((i) => i.shipment_id === shipment.id)
        .map((i) => ({
          trancheId: i.tranche_id,
          quantity: i.quantity,
          deliveredThs: i.delivered_ths,
          trueUpCents: i.true_up_cents,
        })),
      reversal: reversals.find((r) => r.shipmentId === shipment.id) ?? null,
    }));
  }

  // ---- payments and the billing schedule ----

  async paymentPage(
    db: EntityManager,
    orderId: string,
    query: PageQueryDto,
  ): Promise<Page<PaymentWithReversal>> {
    const qb = db
      .getRepository(Payment)
      .createQueryBuilder('p')
      .andWhere('p.purchase_order_id = :orderId', { orderId });
    const page = await paginate(qb, query, (payment) => payment);
    return { items: await this.withReversals(db, page.items), nextCursor: page.nextCursor };
  }

  /** One payment with its reversal; null when unknown (or, with an order, not of that order). */
  async payment(
    db: EntityManager,
    where: { id: string; purchaseOrderId: string } | { externalRef: string },
  ): Promise<PaymentWithReversal | null> {
    const payment = await db.getRepository(Payment).findOneBy(where);
    return payment ? (await this.withReversals(db, [payment]))[0] : null;
  }

  private async withReversals(db: EntityManager, payments: Payment[]) {
    if (payments.length === 0) return [];
    const reversals = await db
      .getRepository(PaymentReversal)
      .findBy({ paymentId: In(payments.map((p) => p.id)) });
    return payments.map((payment) => ({
      payment,
      reversal: reversals.find((r) => r.paymentId === payment.id) ?? null,
    }));
  }

  refundPage(db: EntityManager, orderId: string, query: PageQueryDto): Promise<Page<Refund>> {
    const qb = db
      .getRepository(Refund)
      .createQueryBuilder('r')
      .andWhere('r.purchase_order_id = :orderId', { orderId });
    return paginate(qb, query, (refund) => refund);
  }

  /** The id of the record of `kind` whose externalRef is `ref`, if any. */
  async externalRefHolder(
    db: EntityManager,
    kind: ExternalRefKind,
    ref: string,
  ): Promise<string | null> {
    const [row]: { id: string }[] = await db.query(
      `SELECT id FROM ${EXTERNAL_REF_TABLES[kind]} WHERE external_ref = $1`,
      [ref],
    );
    return row?.id ?? null;
  }

  /** The externalRefs among `refs` that records of `kind` already hold, with their ids. */
  async externalRefHolders(
    db: EntityManager,
    kind: ExternalRefKind,
    refs: string[],
  ): Promise<Map<string, string>> {
    const rows: { id: string; external_ref: string }[] = await db.query(
      `SELECT id, external_ref FROM ${EXTERNAL_REF_TABLES[kind]} WHERE external_ref = ANY($1::text[])`,
      [refs],
    );
    return new Map(rows.map((r) => [r.external_ref, r.id]));
  }

  // ---- the billing schedule ----

  /**
   * A page of the instalments in the schedule's own order: by due date, deposits before milestones,
   * then tranche order (the shared deposit first), then key.
   */
  instalmentPage(
    db: EntityManager,
    orderId: string,
    query: PageQueryDto,
  ): Promise<Page<Instalment>> {
    const qb = db
      .getRepository(Instalment)
      .createQueryBuilder('i')
      .andWhere('i.purchase_order_id = :orderId', { orderId });
    return paginate(qb, query, (instalment) => instalment, [
      { sql: 'i.due_on', kind: 'date' },
      { sql: `CASE i.kind WHEN 'deposit' THEN 0 ELSE 1 END`, kind: 'integer' },
      {
        sql: 'coalesce((SELECT t.sequence FROM tranche t WHERE t.id = i.tranche_id), 0)',
        kind: 'integer',
      },
      { sql: 'i.key', kind: 'text' },
    ]);
  }
}
