import { INestApplication, Type } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { generatePassword } from '../access/admin-key.bootstrap';
import { hashPassword } from '../access/users/password';
import { UserService } from '../access/users/user.service';
import { AuditService } from '../audit/audit.service';
import { ProductModelService } from '../catalog/product-model.service';
import { Clock } from '../common/clock';
import { addDays } from '../common/dates';
import { formatMoney, parseMoney } from '../common/money';
import { Actor, runAs, systemActor } from '../common/request-context';
import { ActivityService } from '../customers/activities/activity.service';
import { ContactService } from '../customers/contacts/contact.service';
import { CustomerService } from '../customers/customer.service';
import { OpportunityService } from '../customers/opportunities/opportunity.service';
import { PaymentTermsService } from '../orders/payment-terms.service';
import { PurchaseOrderDto } from '../orders/purchase-order.dto';
import { PaymentService } from '../orders/payment.service';
import { PurchaseOrderService } from '../orders/purchase-order.service';
import { ShipmentService } from '../orders/shipment.service';
import { HoldService } from '../planning/holds/hold.service';
import { ProductionCapacityService } from '../planning/production-capacity.service';
import {
  DemoBook,
  DemoChange,
  DemoCorrection,
  DemoCustomer,
  DemoOrder,
  DemoTranche,
  planDemoBook,
} from './demo-book';

/** Who the audit log names for everything the demo data wrote. */
export const DEMO_SEED_ACTOR: Actor = systemActor('demo-seed');

/** Session advisory lock held while seeding, so instances starting together seed once. */
const SEED_LOCK = 0x48617368; // "Hash"

/** Orders whose history is written at once (each order locks only its own row). */
const PARALLEL = 4;

export interface DemoSummary {
  /** The demo people, one per role, with their generated passwords when asked for. */
  users: { email: string; name: string; role: string; password: string | null }[];
  customers: number;
  orders: number;
  openUnits: number;
  ms: number;
}

export interface SeedOptions {
  /**
   * Give the demo people generated passwords and write them to this file (mode 0600); without
   * it they have none, and an admin issues them setup tokens.
   */
  passwordsFile?: string;
}

interface Services {
  dataSource: DataSource;
  users: UserService;
  audit: AuditService;
  models: ProductModelService;
  terms: PaymentTermsService;
  customers: CustomerService;
  contacts: ContactService;
  activities: ActivityService;
  opportunities: OpportunityService;
  orders: PurchaseOrderService;
  shipments: ShipmentService;
  payments: PaymentService;
  capacity: ProductionCapacityService;
  holds: HoldService;
}

/**
 * Seeds the demo book into a database that has neither product models nor customers; does
 * nothing otherwise. Everything goes through the domain services (same rules, same audit log,
 * same change feed), as the actor `demo-seed`. Returns what it wrote, or null when it did nothing.
 */
export async function seedDemoIfEmpty(
  app: INestApplication,
  logger: Logger,
  options: SeedOptions = {},
): Promise<DemoSummary | null> {
  const dataSource = app.get(DataSource);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [SEED_LOCK]);
    try {
      const [{ empty }] = (await runner.query(
        `SELECT NOT EXISTS (SELECT 1 FROM product_model) AND NOT EXISTS (SELECT 1 FROM customer) AS empty`,
      )) as { empty: boolean }[];
      if (!empty) {
        logger.debug(
          'Demo data not seeded: the database already holds product models or customers',
        );
        return null;
      }
      const started = Date.now();
      const book = planDemoBook(app.get(Clock).today());
      let summary: DemoSummary;
      try {
        summary = await runAs(DEMO_SEED_ACTOR, () =>
          seedBook(services(app, dataSource), book, options.passwordsFile !== undefined),
        );
      } catch (error) {
        // The API works without demo data, so it still starts; the log says why the book is partial.
        logger.error(
          { err: error },
          `Demo data seeding failed after ${Date.now() - started} ms, leaving part of it: ${(error as Error).message}. ` +
            'Start on an empty database (or a fresh DATA_DIR) to seed again.',
        );
        return null;
      }
      summary.ms = Date.now() - started;
      if (options.passwordsFile) writePasswords(options.passwordsFile, summary.users, logger);
      logger.info(
        `Demo data seeded in ${summary.ms} ms: ${summary.customers} customers, ${summary.orders} purchase orders, ` +
          `${summary.openUnits.toLocaleString('en-US')} open units`,
      );
      return summary;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

function services(app: INestApplication, dataSource: DataSource): Services {
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  return {
    dataSource,
    users: get(UserService),
    audit: get(AuditService),
    models: get(ProductModelService),
    terms: get(PaymentTermsService),
    customers: get(CustomerService),
    contacts: get(ContactService),
    activities: get(ActivityService),
    opportunities: get(OpportunityService),
    orders: get(PurchaseOrderService),
    shipments: get(ShipmentService),
    payments: get(PaymentService),
    capacity: get(ProductionCapacityService),
    holds: get(HoldService),
  };
}

async function seedBook(s: Services, book: DemoBook, withPasswords: boolean): Promise<DemoSummary> {
  const users: DemoSummary['users'] = [];
  const userIds = new Map<string, string>();
  for (const person of book.users) {
    const password = withPasswords ? generatePassword() : null;
    const passwordHash = password ? await hashPassword(password) : null;
    const user = await s.dataSource.transaction(
      async (tx) =>
        (await s.users.insertUnlessTaken(tx, { ...person, passwordHash })) ??
        // Someone with the email already (an admin made them by hand): they own the same things.
        (await s.users.findByEmail(person.email, tx))!,
    );
    userIds.set(person.email, user.id);
    users.push({ ...person, password: user.passwordHash === passwordHash ? password : null });
  }

  const modelIds = new Map<string, string>();
  for (const model of book.models) {
    const { endOfLife: _eol, ...body } = model;
    const created = await s.models.create({ ...body, status: 'active' });
    modelIds.set(model.sku, created.id);
  }
  for (const terms of book.terms) await s.terms.create(terms);

  const customerIds = new Map<string, string>();
  await inParallel(book.customers, PARALLEL, async (customer) => {
    customerIds.set(customer.key, await seedCustomer(s, customer, userIds));
  });

  // One at a time and in signing order, so order numbers rise with signing dates.
  const created: { plan: DemoOrder; order: PurchaseOrderDto }[] = [];
  for (const plan of book.orders) {
    const order = await s.orders.create({
      customerId: customerIds.get(plan.customer)!,
      signedOn: plan.signedOn,
      paymentTermsCode: plan.paymentTermsCode,
      customerReference: plan.customerReference,
      externalRef: plan.externalRef,
      hashrateTolerancePercent: plan.hashrateTolerancePercent,
      lines: plan.lines.map((line) => ({
        productModelId: modelIds.get(line.sku)!,
        unitPrice: line.unitPrice,
        pricePerThs: line.pricePerThs,
        tranches: line.tranches.map((t) => ({
          shipDate: t.shipDate,
          quantity: t.quantity,
          ...(t.optionExerciseBy && { optionExerciseBy: t.optionExerciseBy }),
        })),
      })),
    });
    created.push({ plan, order });
  }
  await inParallel(
    created.filter((c) => !c.plan.draft),
    PARALLEL,
    async ({ plan, order }) => {
      await s.orders.confirm(order.id);
      await playHistory(s, plan, order, book.today);
    },
  );

  // Retired only now: its historical orders had to be placed while it was orderable.
  for (const model of book.models.filter((m) => m.endOfLife)) {
    await s.models.update(modelIds.get(model.sku)!, { status: 'end_of_life' });
  }

  for (const opportunity of book.opportunities) {
    const created = await s.opportunities.create({
      customerId: customerIds.get(opportunity.customer)!,
      productModelId: modelIds.get(opportunity.sku)!,
      quantity: opportunity.quantity,
      unitPrice: opportunity.unitPrice,
      stage: opportunity.stage,
      expectedCloseOn: opportunity.expectedCloseOn,
      firstDeliveryOn: opportunity.firstDeliveryOn,
      ownerId: userIds.get(opportunity.owner),
    });
    if (opportunity.withdrawnDraftSignedOn) {
      const draft = await s.orders.convertOpportunity(
        created.id,
        opportunity.withdrawnDraftSignedOn,
      );
      await s.orders.delete(draft.id);
    }
  }

  await seedCapacity(s, book, modelIds);
  for (const hold of book.holds) {
    await s.holds.create({
      productModelId: modelIds.get(hold.sku)!,
      quantity: hold.quantity,
      customerId: customerIds.get(hold.customer)!,
      expiresOn: hold.expiresOn,
      note: hold.note,
    });
  }

  const [{ open }] = (await s.dataSource.query(
    `SELECT COALESCE(SUM(t.quantity - t.shipped_quantity - t.cancelled_quantity), 0)::int AS open
       FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id WHERE o.status = 'confirmed'`,
  )) as { open: number }[];
  return {
    users,
    customers: book.customers.length,
    orders: book.orders.length,
    openUnits: open,
    ms: 0,
  };
}

async function seedCustomer(
  s: Services,
  plan: DemoCustomer,
  userIds: Map<string, string>,
): Promise<string> {
  const customer = await s.customers.create({
    name: plan.name,
    legalName: plan.legalName,
    segment: plan.segment,
    country: plan.country,
    status: plan.status,
    externalRef: plan.externalRef,
    accountOwner: plan.accountOwner,
    ownerId: userIds.get(plan.owner),
    defaultPaymentTermsCode: plan.defaultPaymentTermsCode,
  });
  for (const contact of plan.contacts) await s.contacts.create(customer.id, contact);
  for (const { assignee, ...activity } of plan.activities) {
    await s.activities.create(customer.id, { ...activity, assigneeId: userIds.get(assignee) });
  }
  return customer.id;
}

interface TrancheState {
  id: string;
  ship_date: string;
  open: number;
}

interface InstalmentState {
  due_on: string;
  remaining: number;
}

/**
 * Writes an order's business events in date order, the way they would have arrived: on each date
 * payments first, then shipments, then amendments (the order the book replays them in). Every
 * tranche dated up to today ships on its date; every instalment due up to `payThrough` is paid
 * `payLagDays` after it fell due, reading the schedule in force at that point.
 */
async function playHistory(
  s: Services,
  plan: DemoOrder,
  order: PurchaseOrderDto,
  today: string,
): Promise<void> {
  const trancheId = (ref: { line: number; tranche: number }) =>
    order.lines[ref.line].tranches[ref.tranche].id;
  // Measured TH/s of tranches that ship whole (lines priced per TH/s).
  const measured = new Map<string, DemoTranche>();
  plan.lines.forEach((line, l) =>
    line.tranches.forEach((t, i) => {
      if (t.deliveredThs !== undefined) measured.set(order.lines[l].tranches[i].id, t);
    }),
  );
  const change = (c: DemoChange) =>
    'shipDate' in c
      ? { kind: 'reschedule' as const, trancheId: trancheId(c), shipDate: c.shipDate }
      : 'quantity' in c
        ? { kind: 'set_quantity' as const, trancheId: trancheId(c), quantity: c.quantity }
        : {
            kind: 'price_change' as const,
            trancheId: trancheId(c),
            unitPriceCents: parseMoney(c.unitPrice),
          };
  const changes: { on: string; apply: () => Promise<unknown> }[] = plan.amendments.map((a) => ({
    on: a.effectiveOn,
    apply: () =>
      s.orders.amend(order.id, {
        effectiveOn: a.effectiveOn,
        reason: a.reason,
        changes: a.changes.map(change),
      }),
  }));
  if (plan.cancellation) {
    const { effectiveOn, reason } = plan.cancellation;
    changes.push({
      on: effectiveOn,
      apply: () => s.orders.cancel(order.id, { effectiveOn, reason }),
    });
  }
  for (const e of plan.exercises ?? []) {
    changes.push({
      on: e.on,
      apply: () =>
        s.orders.exercise(order.id, trancheId(e), { exercisedOn: e.on, quantity: e.quantity }),
    });
  }
  // A reversal holds back the payments (the shipments) that would settle it until the date given.
  const hold = { payments: plan.signedOn, shipments: plan.signedOn };
  for (const correction of plan.corrections) {
    changes.push({ on: correction.on, apply: () => correct(s, order, correction, hold) });
  }
  changes.sort((a, b) => compare(a.on, b.on));

  const payThrough = plan.payThrough && plan.payThrough < today ? plan.payThrough : today;
  let cursor = plan.signedOn;
  let payments = 0;
  let shipments = 0;
  for (;;) {
    const [tranches, instalments] = await Promise.all([
      s.dataSource.query(
        `SELECT id, ship_date, quantity - shipped_quantity - cancelled_quantity AS open
           FROM tranche WHERE purchase_order_id = $1 ORDER BY sequence`,
        [order.id],
      ) as Promise<TrancheState[]>,
      s.dataSource.query(
        `SELECT due_on, amount_cents - paid_cents - voided_cents AS remaining
           FROM instalment WHERE purchase_order_id = $1 AND status = 'open'`,
        [order.id],
      ) as Promise<InstalmentState[]>,
    ]);
    const atLeast = (date: string, ...bounds: string[]) =>
      [date, cursor, ...bounds].reduce((a, b) => (b > a ? b : a));
    const payable = instalments
      .filter((i) => Number(i.remaining) > 0 && i.due_on <= payThrough)
      .map((i) => ({
        on: atLeast(clamp(addDays(i.due_on, plan.payLagDays), plan.signedOn, today), hold.payments),
        cents: Number(i.remaining),
      }));
    const shippable = tranches
      .filter((t) => t.open > 0 && t.ship_date <= today)
      .map((t) => ({ ...t, on: atLeast(t.ship_date, hold.shipments) }));
    const dates = [
      ...payable.map((p) => p.on),
      ...shippable.map((t) => t.on),
      ...(changes.length > 0 ? [changes[0].on] : []),
    ];
    if (dates.length === 0) return;
    const next = dates.reduce((a, b) => (b < a ? b : a));
    cursor = next;

    const due = payable.filter((p) => p.on === next);
    if (due.length > 0) {
      payments += 1;
      await s.payments.pay(order.id, {
        amount: formatMoney(due.reduce((sum, p) => sum + p.cents, 0)),
        receivedOn: next,
        reference: `WIRE-${order.number}-${String(payments).padStart(2, '0')}`,
      });
      continue;
    }
    const ship = shippable.filter((t) => t.on === next);
    if (ship.length > 0) {
      shipments += 1;
      await s.shipments.ship(order.id, {
        shippedOn: next,
        reference: `BL-${order.number}-${String(shipments).padStart(2, '0')}`,
        items: ship.map((t) => {
          const planned = measured.get(t.id);
          const whole = planned !== undefined && planned.quantity === t.open;
          return {
            trancheId: t.id,
            quantity: t.open,
            ...(whole && { deliveredThs: planned.deliveredThs }),
          };
        }),
      });
      continue;
    }
    await changes.shift()!.apply();
  }
}

/** Books one correction of an order's history through the services, as finance would. */
async function correct(
  s: Services,
  order: PurchaseOrderDto,
  correction: DemoCorrection,
  hold: { payments: string; shipments: string },
): Promise<void> {
  switch (correction.kind) {
    case 'overpayment':
    case 'refund': {
      const { amount, reference, on } = correction;
      await (correction.kind === 'refund'
        ? s.payments.refund(order.id, { amount, reference, paidOn: on })
        : s.payments.pay(order.id, { amount, reference, receivedOn: on }));
      return;
    }
    case 'payment_reversal': {
      const [last] = (await s.dataSource.query(
        `SELECT id FROM payment WHERE purchase_order_id = $1 AND received_on <= $2
          ORDER BY received_on DESC, created_at DESC LIMIT 1`,
        [order.id, correction.on],
      )) as { id: string }[];
      await s.payments.reverse(order.id, last.id, {
        reversedOn: correction.on,
        reason: correction.reason,
      });
      hold.payments = correction.repaidOn;
      return;
    }
    case 'shipment_reversal': {
      const [shipped] = (await s.dataSource.query(
        'SELECT id FROM shipment WHERE purchase_order_id = $1 AND shipped_on = $2',
        [order.id, correction.shippedOn],
      )) as { id: string }[];
      await s.shipments.reverse(shipped.id, {
        reversedOn: correction.on,
        reason: correction.reason,
      });
      hold.shipments = correction.reshippedOn;
      return;
    }
  }
}

/** Factory capacity for the months ahead, one request per model (one capacity.updated each). */
async function seedCapacity(
  s: Services,
  book: DemoBook,
  modelIds: Map<string, string>,
): Promise<void> {
  for (const sku of new Set(book.capacity.map((c) => c.sku))) {
    const items = book.capacity
      .filter((c) => c.sku === sku)
      .map((c) => ({ productModelId: modelIds.get(sku)!, month: c.month, units: c.units }));
    await s.capacity.put({ items });
  }
}

/** The demo people's sign-ins, for whoever runs the install (0600, beside the admin key). */
function writePasswords(file: string, users: DemoSummary['users'], logger: Logger): void {
  const rows = users.filter((u) => u.password !== null);
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((u) => u.email.length));
  writeFileSync(
    file,
    '# Demo people, one per role (generated on the first start). Sign in with email and password.\n' +
      rows.map((u) => `${u.email.padEnd(width)}  ${u.role.padEnd(10)}  ${u.password}`).join('\n') +
      '\n',
    { mode: 0o600 },
  );
  logger.info(`Demo users (one per role) can sign in: their passwords are in ${file}`);
}

async function inParallel<T>(
  items: T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clamp(date: string, min: string, max: string): string {
  return date < min ? min : date > max ? max : date;
}
