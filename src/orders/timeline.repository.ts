import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { balanceMovements, bookingRows, orderSegments, recognitions } from './order-rollup';
import {
  AmendmentChange,
  BookEvent,
  BookResult,
  BookTranche,
  ShipmentEventItem,
} from './book.types';

interface TrancheRow {
  id: string;
  sequence: number;
  product_model_id: string;
  contract_quantity: number;
  contract_ship_date: string;
  contract_unit_price_cents: number;
  added_by_amendment_id: string | null;
  option_quantity: number;
  option_exercise_by: string | null;
}

interface EventRow {
  kind: BookEvent['kind'];
  id: string;
  event_on: string;
  amount_cents: number | null;
  items: ShipmentEventItem[] | null;
  changes: AmendmentChange[] | null;
  /** A reversal's payment or shipment. */
  reversed_id: string | null;
}

/** What the replay of one order starts from. */
export interface StoredBook {
  /** The tranches at signing, by sequence (tranches added by amendments come with the amendment). */
  contract: BookTranche[];
  /** Payments, shipments, amendments, refunds and reversals in the order they were recorded. */
  events: BookEvent[];
  /** The product model of every tranche of the order, added ones included. */
  modelOf: Map<string, string>;
}

function toBookEvent(event: EventRow): BookEvent {
  const { id, event_on: on } = event;
  switch (event.kind) {
    case 'payment':
      return { kind: 'payment', id, on, amountCents: event.amount_cents! };
    case 'shipment':
      return { kind: 'shipment', id, on, items: event.items ?? [] };
    case 'amendment':
      return { kind: 'amendment', id, on, changes: event.changes ?? [] };
    case 'refund':
      return { kind: 'refund', id, on, amountCents: event.amount_cents! };
    case 'payment_reversal':
      return { kind: 'payment_reversal', id, on, paymentId: event.reversed_id! };
    case 'shipment_reversal':
      return { kind: 'shipment_reversal', id, on, shipmentId: event.reversed_id! };
    case 'exercise': {
      const [{ trancheId, quantity }] = event.items!;
      return { kind: 'exercise', id, on, trancheId, quantity };
    }
  }
}

/** The order a timeline belongs to, as its rows name it. */
/** The tables of an order's timeline, rewritten whole by each replay. */
const TIMELINE_TABLES = [
  'tranche_segment',
  'order_segment',
  'recognition',
  'instalment_segment',
  'credit_segment',
  'forfeiture',
  'instalment',
  'booking',
  'balance_movement',
];

interface Statement {
  sql: string;
  params: unknown[];
}

type Push = (sql: string, params: unknown[]) => void;

/**
 * Runs the statements as one: each a data-modifying WITH query of a single statement, its
 * parameters renumbered after those of the ones before, so the timeline is written in one round
 * trip instead of one per table. They must not depend on each other's effects (they write
 * different tables, or different rows of one).
 */
async function together(tx: EntityManager, statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const params: unknown[] = [];
  const parts = statements.map(({ sql, params: own }, i) => {
    const offset = params.length;
    params.push(...own);
    return `w${i} AS (${sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
  });
  await tx.query(`WITH ${parts.join(',\n')}\nSELECT 1`, params);
}

interface TimelineOwner {
  id: string;
  customerId: string;
}

/**
 * The replayed book of each order past draft (see timeline.entity): reads what the replay starts
 * from, and rewrites the order's timeline and its tranches' current figures from the replay's
 * result. Runs in the caller's transaction with the order row locked, so readers see either the
 * old book or the new one, never a mix.
 */
@Injectable()
export class TimelineRepository {
  async read(tx: EntityManager, orderId: string): Promise<StoredBook> {
    // One after the other: a transaction's queries share one connection.
    const tranches: TrancheRow[] = await tx.query(
      `SELECT id, sequence, product_model_id, contract_quantity, contract_ship_date, contract_unit_price_cents,
              added_by_amendment_id, option_quantity, option_exercise_by
         FROM tranche WHERE purchase_order_id = $1 ORDER BY sequence`,
      [orderId],
    );
    const events: EventRow[] = await tx.query(
      `SELECT 'payment' AS kind, id, received_on AS event_on, amount_cents, NULL::jsonb AS items, NULL::jsonb AS changes,
              NULL::uuid AS reversed_id, created_at
         FROM payment WHERE purchase_order_id = $1
       UNION ALL
       SELECT 'shipment', s.id, s.shipped_on, NULL, (SELECT jsonb_agg(jsonb_build_object('trancheId', i.tranche_id, 'quantity', i.quantity, 'trueUpCents', i.true_up_cents))
                                                       FROM shipment_item i WHERE i.shipment_id = s.id), NULL, NULL, s.created_at
         FROM shipment s WHERE s.purchase_order_id = $1
       UNION ALL
       SELECT 'amendment', id, effective_on, NULL, NULL, changes, NULL, created_at
         FROM amendment WHERE purchase_order_id = $1
       UNION ALL
       SELECT 'refund', id, paid_on, amount_cents, NULL, NULL, NULL, created_at
         FROM refund WHERE purchase_order_id = $1
       UNION ALL
       SELECT 'payment_reversal', id, reversed_on, NULL, NULL, NULL, payment_id, created_at
         FROM payment_reversal WHERE purchase_order_id = $1
       UNION ALL
       SELECT 'shipment_reversal', id, reversed_on, NULL, NULL, NULL, shipment_id, created_at
         FROM shipment_reversal WHERE purchase_order_id = $1
       UNION ALL
       SELECT 'exercise', id, exercised_on, NULL, jsonb_build_array(jsonb_build_object('trancheId', tranche_id, 'quantity', quantity)),
              NULL, NULL, created_at
         FROM option_exercise WHERE purchase_order_id = $1
       ORDER BY created_at, id`,
      [orderId],
    );
    return {
      contract: tranches
        .filter((t) => t.added_by_amendment_id === null)
        .map((t) => ({
          id: t.id,
          sequence: t.sequence,
          unitPriceCents: t.contract_unit_price_cents,
          quantity: t.contract_quantity,
          shipDate: t.contract_ship_date,
          ...(t.option_quantity > 0 && {
            optionQuantity: t.option_quantity,
            optionExerciseBy: t.option_exercise_by,
          }),
        })),
      events: events.map(toBookEvent),
      modelOf: new Map(tranches.map((t) => [t.id, t.product_model_id])),
    };
  }

  /** Replaces the order's timeline with the replay's `result` and sets its tranches' current figures. */
  async write(
    tx: EntityManager,
    order: TimelineOwner,
    result: BookResult,
    modelOf: Map<string, string>,
  ): Promise<void> {
    // The old timeline goes in one statement, then the new one is written in one more (see together).
    await tx.query(
      `WITH ${TIMELINE_TABLES.map((table, i) => `d${i} AS (DELETE FROM ${table} WHERE purchase_order_id = $1)`).join(', ')}
       SELECT 1`,
      [order.id],
    );
    const writes: Statement[] = [];
    const push = (sql: string, params: unknown[]) => writes.push({ sql, params });
    const segments = result.tranches;
    if (segments.length > 0) {
      push(
        `INSERT INTO tranche_segment (tranche_id, purchase_order_id, customer_id, product_model_id, valid_from, valid_to,
            ship_date, unit_price_cents, quantity, shipped_units, cancelled_units, open_units, cash_cents, pool_cents,
            shipped_value_cents, shipped_cash_cents, forfeited_cents, option_units)
         SELECT t.tranche_id, $1, $2, t.model, t.valid_from, t.valid_to, t.ship_date, t.price, t.quantity, t.shipped,
                t.cancelled, t.open, t.cash, t.pool, t.shipped_value, t.shipped_cash, t.forfeited, t.option
           FROM unnest($3::uuid[], $4::uuid[], $5::date[], $6::date[], $7::date[], $8::bigint[], $9::int[], $10::int[],
                       $11::int[], $12::int[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[],
                       $18::int[])
             AS t(tranche_id, model, valid_from, valid_to, ship_date, price, quantity, shipped, cancelled, open, cash,
                  pool, shipped_value, shipped_cash, forfeited, option)`,
        [
          order.id,
          order.customerId,
          segments.map((s) => s.trancheId),
          segments.map((s) => modelOf.get(s.trancheId)),
          segments.map((s) => s.from),
          segments.map((s) => s.to),
          segments.map((s) => s.shipDate),
          segments.map((s) => s.unitPriceCents),
          segments.map((s) => s.quantity),
          segments.map((s) => s.shippedUnits),
          segments.map((s) => s.cancelledUnits),
          segments.map((s) => s.openUnits),
          segments.map((s) => s.cashCents),
          segments.map((s) => s.poolCents),
          segments.map((s) => s.shippedValueCents),
          segments.map((s) => s.shippedCashCents),
          segments.map((s) => s.forfeitedCents),
          segments.map((s) => s.optionUnits),
        ],
      );
      this.writeRollups(push, order, segments, modelOf);
      const current = segments.filter((s) => s.to === null);
      push(
        `UPDATE tranche SET quantity = c.quantity, shipped_quantity = c.shipped, cancelled_quantity = c.cancelled,
                ship_date = c.ship_date, unit_price_cents = c.price, option_units = c.option, exercised_quantity = c.exercised
           FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::date[], $6::bigint[], $7::int[], $8::int[])
             AS c(id, quantity, shipped, cancelled, ship_date, price, option, exercised)
          WHERE tranche.id = c.id`,
        [
          current.map((s) => s.trancheId),
          current.map((s) => s.quantity),
          current.map((s) => s.shippedUnits),
          current.map((s) => s.cancelledUnits),
          current.map((s) => s.shipDate),
          current.map((s) => s.unitPriceCents),
          current.map((s) => s.optionUnits),
          current.map((s) => s.exercisedUnits),
        ],
      );
    }
    const instalments = result.instalments;
    if (instalments.length > 0) {
      push(
        `INSERT INTO instalment (purchase_order_id, key, kind, tranche_id, created_on, due_on, amount_cents, paid_cents, voided_cents, status)
         SELECT $1, i.key, i.kind, i.tranche_id, i.created_on, i.due_on, i.amount, i.paid, i.voided, i.status
           FROM unnest($2::varchar[], $3::varchar[], $4::uuid[], $5::date[], $6::date[], $7::bigint[], $8::bigint[], $9::bigint[], $10::varchar[])
             AS i(key, kind, tranche_id, created_on, due_on, amount, paid, voided, status)`,
        [
          order.id,
          instalments.map((i) => i.key),
          instalments.map((i) => i.kind),
          instalments.map((i) => i.trancheId),
          instalments.map((i) => i.createdOn),
          instalments.map((i) => i.dueOn),
          instalments.map((i) => i.amountCents),
          instalments.map((i) => i.paidCents),
          instalments.map((i) => i.voidedCents),
          instalments.map((i) => i.status),
        ],
      );
    }
    const history = result.instalmentSegments;
    if (history.length > 0) {
      push(
        `INSERT INTO instalment_segment (purchase_order_id, customer_id, key, valid_from, valid_to, due_on, amount_cents, paid_cents, voided_cents)
         SELECT $1, $2, i.key, i.valid_from, i.valid_to, i.due_on, i.amount, i.paid, i.voided
           FROM unnest($3::varchar[], $4::date[], $5::date[], $6::date[], $7::bigint[], $8::bigint[], $9::bigint[])
             AS i(key, valid_from, valid_to, due_on, amount, paid, voided)`,
        [
          order.id,
          order.customerId,
          history.map((i) => i.key),
          history.map((i) => i.from),
          history.map((i) => i.to),
          history.map((i) => i.dueOn),
          history.map((i) => i.amountCents),
          history.map((i) => i.paidCents),
          history.map((i) => i.voidedCents),
        ],
      );
    }
    const credit = result.credit.filter((c) => c.unappliedCents !== 0);
    if (credit.length > 0) {
      push(
        `INSERT INTO credit_segment (purchase_order_id, customer_id, valid_from, valid_to, unapplied_cents)
         SELECT $1, $2, c.valid_from, c.valid_to, c.amount FROM unnest($3::date[], $4::date[], $5::bigint[]) AS c(valid_from, valid_to, amount)`,
        [
          order.id,
          order.customerId,
          credit.map((c) => c.from),
          credit.map((c) => c.to),
          credit.map((c) => c.unappliedCents),
        ],
      );
    }
    const forfeitures = result.forfeitures;
    if (forfeitures.length > 0) {
      push(
        `INSERT INTO forfeiture (purchase_order_id, tranche_id, customer_id, product_model_id, on_date, units, amount_cents)
         SELECT $1, f.tranche_id, $2, f.model, f.on_date, f.units, f.amount
           FROM unnest($3::uuid[], $4::uuid[], $5::date[], $6::int[], $7::bigint[]) AS f(tranche_id, model, on_date, units, amount)`,
        [
          order.id,
          order.customerId,
          forfeitures.map((f) => f.trancheId),
          forfeitures.map((f) => modelOf.get(f.trancheId)),
          forfeitures.map((f) => f.on),
          forfeitures.map((f) => f.units),
          forfeitures.map((f) => f.amountCents),
        ],
      );
    }
    this.writeBookingsAndMovements(push, order, result, modelOf);
    await together(tx, writes);
  }

  /** The order's bookings per model and day, and its balance movements (see order-rollup). */
  private writeBookingsAndMovements(
    push: Push,
    order: TimelineOwner,
    result: BookResult,
    modelOf: Map<string, string>,
  ): void {
    const booked = bookingRows(result.bookings, (trancheId) => modelOf.get(trancheId)!);
    if (booked.length > 0) {
      push(
        `INSERT INTO booking (purchase_order_id, customer_id, product_model_id, on_date, kind, units, amount_cents)
         SELECT $1, $2, b.model, b.on_date, b.kind, b.units, b.amount
           FROM unnest($3::uuid[], $4::date[], $5::varchar[], $6::int[], $7::bigint[]) AS b(model, on_date, kind, units, amount)`,
        [
          order.id,
          order.customerId,
          booked.map((b) => b.productModelId),
          booked.map((b) => b.on),
          booked.map((b) => b.kind),
          booked.map((b) => b.units),
          booked.map((b) => b.amountCents),
        ],
      );
    }
    const moves = balanceMovements(result);
    if (moves.length > 0) {
      push(
        `INSERT INTO balance_movement (purchase_order_id, customer_id, on_date, cash_received_cents, refunded_cents,
            recognised_cents, forfeited_cents, liability_cents, receivable_cents)
         SELECT $1, $2, m.on_date, m.cash, m.refunded, m.recognised, m.forfeited, m.liability, m.receivable
           FROM unnest($3::date[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
             AS m(on_date, cash, refunded, recognised, forfeited, liability, receivable)`,
        [
          order.id,
          order.customerId,
          moves.map((m) => m.on),
          moves.map((m) => m.cashReceivedCents),
          moves.map((m) => m.refundedCents),
          moves.map((m) => m.recognisedCents),
          moves.map((m) => m.forfeitedCents),
          moves.map((m) => m.contractLiabilityCents),
          moves.map((m) => m.receivableCents),
        ],
      );
    }
  }

  /** The order segments and recognitions derived from the tranche segments (see order-rollup). */
  private writeRollups(
    push: Push,
    order: TimelineOwner,
    segments: BookResult['tranches'],
    modelOf: Map<string, string>,
  ): void {
    const sums = orderSegments(segments, (trancheId) => modelOf.get(trancheId)!);
    push(
      `INSERT INTO order_segment (purchase_order_id, customer_id, product_model_id, valid_from, valid_to, open_units,
          open_value_cents, cash_cents, pool_cents, shipped_value_cents, receivable_cents, forfeited_cents)
       SELECT $1, $2, o.model, o.valid_from, o.valid_to, o.open, o.open_value, o.cash, o.pool, o.shipped_value,
              o.receivable, o.forfeited
         FROM unnest($3::uuid[], $4::date[], $5::date[], $6::int[], $7::bigint[], $8::bigint[], $9::bigint[],
                     $10::bigint[], $11::bigint[], $12::bigint[])
           AS o(model, valid_from, valid_to, open, open_value, cash, pool, shipped_value, receivable, forfeited)`,
      [
        order.id,
        order.customerId,
        sums.map((o) => o.productModelId),
        sums.map((o) => o.from),
        sums.map((o) => o.to),
        sums.map((o) => o.openUnits),
        sums.map((o) => o.openValueCents),
        sums.map((o) => o.cashCents),
        sums.map((o) => o.poolCents),
        sums.map((o) => o.shippedValueCents),
        sums.map((o) => o.receivableCents),
        sums.map((o) => o.forfeitedCents),
      ],
    );
    const shipped = recognitions(segments);
    if (shipped.length === 0) return;
    push(
      `INSERT INTO recognition (purchase_order_id, tranche_id, customer_id, product_model_id, on_date, units, amount_cents,
          true_up_cents)
       SELECT $1, r.tranche_id, $2, r.model, r.on_date, r.units, r.amount, r.true_up
         FROM unnest($3::uuid[], $4::uuid[], $5::date[], $6::int[], $7::bigint[], $8::bigint[])
           AS r(tranche_id, model, on_date, units, amount, true_up)`,
      [
        order.id,
        order.customerId,
        shipped.map((r) => r.trancheId),
        shipped.map((r) => modelOf.get(r.trancheId)),
        shipped.map((r) => r.on),
        shipped.map((r) => r.units),
        shipped.map((r) => r.amountCents),
        shipped.map((r) => r.trueUpCents),
      ],
    );
  }
}
