import { MigrationInterface, QueryRunner } from 'typeorm';

// booking: what each order booked per product model and day (signed, added, cancelled, repriced);
// balance_movement: how each order's contract balances changed day by day. The bookings report,
// the contract-liability roll-forward and the cash forecast read date ranges of these narrow rows.
// Filled here from the existing timeline; the replay writes both from now on.
//
// This runs with the release that brings price changes, reversals and refunds (the Corrections
// migration just before it), so no stored book holds any of them yet: every tranche kept its
// contract price, what its segments added to `quantity` was added at that price, what they added to
// `cancelled_units` was cancelled at it, and cash received is the tranches' cash plus the unapplied
// credit.

/** Bookings of every order past draft, as the replay would write them for such a book. */
export const BOOKINGS_FROM_TIMELINE = `
  WITH steps AS (
    SELECT s.purchase_order_id, s.customer_id, s.product_model_id, s.valid_from AS on_date,
           s.unit_price_cents AS price,
           s.quantity - coalesce(lag(s.quantity) OVER w,
                                 CASE WHEN t.added_by_amendment_id IS NULL THEN t.contract_quantity ELSE 0 END) AS added,
           s.cancelled_units - coalesce(lag(s.cancelled_units) OVER w, 0) AS cancelled
      FROM tranche_segment s
      JOIN tranche t ON t.id = s.tranche_id
    WINDOW w AS (PARTITION BY s.tranche_id ORDER BY s.valid_from)
  ), entries AS (
    SELECT t.purchase_order_id, t.customer_id, t.product_model_id, o.signed_on AS on_date, 'signed' AS kind,
           t.contract_quantity AS units, t.contract_quantity * t.contract_unit_price_cents AS cents
      FROM tranche t
      JOIN purchase_order o ON o.id = t.purchase_order_id
     WHERE t.added_by_amendment_id IS NULL
       AND EXISTS (SELECT 1 FROM tranche_segment s WHERE s.tranche_id = t.id)
    UNION ALL
    SELECT purchase_order_id, customer_id, product_model_id, on_date, 'added', added, added * price
      FROM steps WHERE added > 0
    UNION ALL
    SELECT purchase_order_id, customer_id, product_model_id, on_date, 'cancelled', cancelled, cancelled * price
      FROM steps WHERE cancelled > 0
  )
  SELECT purchase_order_id, customer_id, product_model_id, on_date, kind, sum(units)::int AS units,
         sum(cents)::bigint AS amount_cents
    FROM entries
   GROUP BY 1, 2, 3, 4, 5`;

/** Balance movements of every order past draft, from its order and credit segments. */
export const BALANCE_MOVEMENTS_FROM_TIMELINE = `
  WITH bound AS (
    SELECT purchase_order_id, valid_from AS day FROM order_segment
    UNION SELECT purchase_order_id, valid_from FROM credit_segment
    UNION SELECT purchase_order_id, valid_to FROM credit_segment WHERE valid_to IS NOT NULL
  ), balance AS (
    SELECT b.purchase_order_id, b.day,
           coalesce(o.cash, 0) + coalesce(c.credit, 0) AS cash, coalesce(o.recognised, 0) AS recognised,
           coalesce(o.forfeited, 0) AS forfeited, coalesce(o.pool, 0) + coalesce(c.credit, 0) AS liability,
           coalesce(o.receivable, 0) AS receivable
      FROM bound b
      LEFT JOIN LATERAL (
        SELECT sum(s.cash_cents) AS cash, sum(s.shipped_value_cents) AS recognised, sum(s.forfeited_cents) AS forfeited,
               sum(s.pool_cents) AS pool, sum(s.receivable_cents) AS receivable
          FROM order_segment s
         WHERE s.purchase_order_id = b.purchase_order_id
           AND s.valid_from <= b.day AND (s.valid_to IS NULL OR s.valid_to > b.day)
      ) o ON true
      LEFT JOIN LATERAL (
        SELECT c.unapplied_cents AS credit
          FROM credit_segment c
         WHERE c.purchase_order_id = b.purchase_order_id
           AND c.valid_from <= b.day AND (c.valid_to IS NULL OR c.valid_to > b.day)
      ) c ON true
  ), moved AS (
    SELECT purchase_order_id, day,
           cash - coalesce(lag(cash) OVER w, 0) AS cash,
           recognised - coalesce(lag(recognised) OVER w, 0) AS recognised,
           forfeited - coalesce(lag(forfeited) OVER w, 0) AS forfeited,
           liability - coalesce(lag(liability) OVER w, 0) AS liability,
           receivable - coalesce(lag(receivable) OVER w, 0) AS receivable
      FROM balance
    WINDOW w AS (PARTITION BY purchase_order_id ORDER BY day)
  )
  SELECT m.purchase_order_id, o.customer_id, m.day AS on_date, m.cash::bigint AS cash_received_cents,
         0::bigint AS refunded_cents, m.recognised::bigint AS recognised_cents, m.forfeited::bigint AS forfeited_cents,
         m.liability::bigint AS liability_cents, m.receivable::bigint AS receivable_cents
    FROM moved m
    JOIN purchase_order o ON o.id = m.purchase_order_id
   WHERE (m.cash, m.recognised, m.forfeited, m.liability, m.receivable) <> (0, 0, 0, 0, 0)`;

export class Bookings1796300000000 implements MigrationInterface {
  name = 'Bookings1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "booking" ("id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "purchase_order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "product_model_id" uuid NOT NULL, "on_date" date NOT NULL, "kind" character varying(10) NOT NULL, "units" integer NOT NULL, "amount_cents" bigint NOT NULL, CONSTRAINT "booking_kind_check" CHECK (kind IN ('signed','added','cancelled','repriced')), CONSTRAINT "PK_49171efc69702ed84c812f33540" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "booking_purchase_order_id_idx" ON "booking" ("purchase_order_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "booking_on_date_idx" ON "booking" ("on_date")
         INCLUDE ("kind", "units", "amount_cents", "customer_id", "product_model_id", "purchase_order_id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "balance_movement" ("id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "purchase_order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "on_date" date NOT NULL, "cash_received_cents" bigint NOT NULL, "refunded_cents" bigint NOT NULL, "recognised_cents" bigint NOT NULL, "forfeited_cents" bigint NOT NULL, "liability_cents" bigint NOT NULL, "receivable_cents" bigint NOT NULL, CONSTRAINT "balance_movement_identity_check" CHECK (cash_received_cents - refunded_cents - recognised_cents - forfeited_cents = liability_cents - receivable_cents), CONSTRAINT "PK_f8e996066874def0982b8325245" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "balance_movement_purchase_order_id_idx" ON "balance_movement" ("purchase_order_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "balance_movement_on_date_idx" ON "balance_movement" ("on_date")
         INCLUDE ("customer_id", "cash_received_cents", "refunded_cents", "recognised_cents", "forfeited_cents",
                  "liability_cents", "receivable_cents")`,
    );
    // Contract balances add what was refunded: the few movements with a refund.
    await queryRunner.query(
      `CREATE INDEX "balance_movement_refunds_idx" ON "balance_movement" ("customer_id", "purchase_order_id")
         INCLUDE ("on_date", "refunded_cents") WHERE refunded_cents <> 0`,
    );
    // Receivables ageing as of today: the current instalments with something unpaid.
    await queryRunner.query(
      `CREATE INDEX "instalment_segment_unpaid_now_idx" ON "instalment_segment" ("customer_id", "purchase_order_id")
         INCLUDE ("due_on", "amount_cents", "paid_cents", "voided_cents", "valid_from")
         WHERE valid_to IS NULL AND amount_cents - paid_cents - voided_cents > 0`,
    );
    await queryRunner.query(
      `INSERT INTO booking (purchase_order_id, customer_id, product_model_id, on_date, kind, units, amount_cents)
       ${BOOKINGS_FROM_TIMELINE}`,
    );
    await queryRunner.query(
      `INSERT INTO balance_movement (purchase_order_id, customer_id, on_date, cash_received_cents, refunded_cents,
          recognised_cents, forfeited_cents, liability_cents, receivable_cents)
       ${BALANCE_MOVEMENTS_FROM_TIMELINE}`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "instalment_segment_unpaid_now_idx"`);
    await queryRunner.query(`DROP TABLE "balance_movement"`);
    await queryRunner.query(`DROP TABLE "booking"`);
  }
}
