import { DataSource } from 'typeorm';
import { today } from '../../src/common/dates';
import { monthIndex, monthOf } from '../../src/planning/allocate';
import {
  currentOpenTranches,
  openTranchesAsOf,
  PlanTrancheRow,
} from '../../src/planning/plan.queries';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { trancheFields } from '../support/plan-fields';
import { createTestApp, TestApp } from '../support/test-app';

const M0 = monthIndex(today('UTC'));
const m = (k: number) => monthOf(M0 + k);

const byId = (a: { trancheId: string }, b: { trancheId: string }) =>
  a.trancheId < b.trancheId ? -1 : 1;

// The plan reads each model's open tranches as one text and cuts it up (plan.queries): every field
// must come out as a plain row-per-tranche query reads it, at the edges of each number too, from
// the current figures and from the timeline.
describe('the plan reads open tranches', () => {
  let t: TestApp;
  let db: DataSource;
  let f: OrderFactory;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    f = new OrderFactory(t);
  });
  afterAll(() => t.close());

  it('with every field as a row-per-tranche query reads it: dates before 2000, prices past 2^32 cents', async () => {
    const [x, y] = [(await f.productModel()).id, (await f.productModel()).id];
    const customerId = (await f.customer()).id;
    const orders = [];
    for (const [model, shipDates] of [
      [x, [`${m(1)}-10`, `${m(2)}-28`, `${m(3)}-01`]],
      [y, [`${m(-2)}-15`]],
    ] as const) {
      orders.push(
        await f.order({
          customerId,
          signedOn: `${m(-3)}-05`,
          lines: [
            {
              productModelId: model,
              tranches: shipDates.map((shipDate, i) => ({ shipDate, quantity: 7 + i })),
            },
          ],
        }),
      );
    }
    const [first, second, third] = tranchesOf(orders[0]);
    // Figures no API would write, straight into both the tranches and their timeline.
    await t.sql(`UPDATE purchase_order SET signed_on = '1999-12-31' WHERE id = $1`, [orders[1].id]);
    for (const [table, id] of [
      ['tranche', 'id'],
      ['tranche_segment', 'tranche_id'],
    ]) {
      await t.sql(
        `UPDATE ${table} SET ship_date = '1998-02-28', unit_price_cents = 9007199254740 WHERE ${id} = $1`,
        [first.id],
      );
      await t.sql(`UPDATE ${table} SET unit_price_cents = 0 WHERE ${id} = $1`, [second.id]);
    }
    await t.sql(`UPDATE tranche SET shipped_quantity = 3, cancelled_quantity = 1 WHERE id = $1`, [
      third.id,
    ]);
    await t.sql(
      `UPDATE tranche_segment SET open_units = 5 WHERE tranche_id = $1 AND valid_to IS NULL`,
      [third.id],
    );

    const expected = (await t.sql(
      `SELECT t.id AS "trancheId", t.purchase_order_id AS "purchaseOrderId", t.customer_id AS "customerId",
              t.product_model_id AS "productModelId", o.number AS "orderNumber", o.signed_on AS "signedOn",
              t.ship_date AS "shipDate", t.sequence,
              t.quantity - t.shipped_quantity - t.cancelled_quantity AS "openUnits",
              t.unit_price_cents AS "unitPriceCents"
         FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id
        WHERE t.product_model_id IN ($1, $2)`,
      [x, y],
    )) as PlanTrancheRow[];
    expected.sort(byId);
    expect(expected.map((r) => [r.shipDate, r.openUnits, r.unitPriceCents])).toContainEqual([
      '1998-02-28',
      7,
      9007199254740,
    ]);
    expect(expected.map((r) => r.signedOn)).toContain('1999-12-31');
    expect(expected.map((r) => r.openUnits)).toContain(5);

    const current = (await currentOpenTranches(db.manager, [x, y])).map(trancheFields).sort(byId);
    expect(current).toEqual(expected);
    const asOf = (await openTranchesAsOf(db.manager, today('UTC'), [x, y]))
      .map(trancheFields)
      .sort(byId);
    expect(asOf).toEqual(expected);

    // The filter by model holds too.
    const ofX = await currentOpenTranches(db.manager, [x]);
    expect(ofX.map(trancheFields).sort(byId)).toEqual(
      expected.filter((r) => r.productModelId === x),
    );
  });
});
