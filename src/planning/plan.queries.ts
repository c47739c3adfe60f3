import type { EntityManager } from 'typeorm';
import type { CapacityRow, OpenTranche } from './allocate';

/** An open tranche with what the plan's readers show beside its allocation. */
export interface PlanTrancheRow extends OpenTranche {
  purchaseOrderId: string;
  customerId: string;
  unitPriceCents: number;
}

// A plan reads every open tranche, 100,000 and more. Read as rows, each field is a string of its
// own and each row an object of ten, all kept as long as the plan is; building them and the
// garbage collector moving them took a cold plan past 300 ms (p95; see docs/performance.md).
// So the database writes each model's tranches as one text, a record per tranche:
//
//   <tranche id><order id><customer id><order number>,<signed on>,<ship date>,<sequence>,<open units>,<unit price>;
//
// each id in the 36 characters a uuid always takes, the dates as days since 2000-01-01. A tranche
// keeps the part before the first comma as a slice of that text and cuts an id from it only when
// asked. Order numbers are the system's own (PO-<year>-<serial>) and never hold a comma. A record
// is ~160 characters, so one model's text stays far below a JavaScript string's limit (~500 M
// characters, some 3 million open tranches of one model).

const ID = 36;
const DAY_ZERO = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/** A tranche read for the plan: figures as fields, ids and order number cut from its record. */
class PlanTranche implements PlanTrancheRow {
  constructor(
    /** Its tranche, order and customer ids, then the order number. */
    private readonly record: string,
    readonly productModelId: string,
    readonly signedOn: string,
    readonly shipDate: string,
    readonly sequence: number,
    readonly openUnits: number,
    readonly unitPriceCents: number,
  ) {}

  get trancheId(): string {
    return this.record.slice(0, ID);
  }

  get purchaseOrderId(): string {
    return this.record.slice(ID, 2 * ID);
  }

  get customerId(): string {
    return this.record.slice(2 * ID, 3 * ID);
  }

  get orderNumber(): string {
    return this.record.slice(3 * ID);
  }
}

/**
 * The open tranches of the rows `from` yields, written by the database as one text per model and
 * cut into tranches (see above). `from` joins the tranche as t and its order as o; `figures` is t
 * itself or the tranche's timeline segment in force, for the ship date and the price, and
 * `openUnits` the open units' expression.
 */
async function readTrancheText(
  db: EntityManager,
  figures: string,
  openUnits: string,
  from: string,
  params: unknown[],
): Promise<PlanTrancheRow[]> {
  const rows: { productModelId: string; tranches: string }[] = await db.query(
    `SELECT t.product_model_id AS "productModelId",
            string_agg(t.id::text || t.purchase_order_id::text || t.customer_id::text || o.number
                       || ',' || (o.signed_on - DATE '2000-01-01')
                       || ',' || (${figures}.ship_date - DATE '2000-01-01') || ',' || t.sequence
                       || ',' || ${openUnits} || ',' || ${figures}.unit_price_cents, ';') AS tranches
       ${from}
      GROUP BY t.product_model_id`,
    params,
  );
  const dates = new Map<number, string>();
  const date = (days: number) => {
    let value = dates.get(days);
    if (value === undefined) {
      value = new Date(DAY_ZERO + days * DAY_MS).toISOString().slice(0, 10);
      dates.set(days, value);
    }
    return value;
  };
  const out: PlanTrancheRow[] = [];
  for (const { productModelId, tranches: text } of rows) {
    let at = 0;
    // The integer at `at`, leaving `at` past the separator after it.
    const int = () => {
      let sign = 1;
      if (text.charCodeAt(at) === MINUS) {
        sign = -1;
        at++;
      }
      let value = 0;
      for (let c = text.charCodeAt(at); c >= ZERO && c <= NINE; c = text.charCodeAt(++at)) {
        value = value * 10 + c - ZERO;
      }
      at++;
      return sign * value;
    };
    while (at < text.length) {
      const end = text.indexOf(',', at + 3 * ID);
      if (end < 0) throw new Error(`Tranche record of model ${productModelId} cut short at ${at}`);
      const record = text.slice(at, end);
      at = end + 1;
      const signedOn = date(int());
      const shipDate = date(int());
      const sequence = int();
      const units = int();
      out.push(new PlanTranche(record, productModelId, signedOn, shipDate, sequence, units, int()));
    }
  }
  return out;
}

/**
 * The open units of every order past draft as they stand now, from the tranches' current
 * figures, of these models (null: all). Unsorted: the allocation sorts in the application, which
 * scales out, not in the one database.
 */
export function currentOpenTranches(
  db: EntityManager,
  modelIds: string[] | null,
): Promise<PlanTrancheRow[]> {
  return readTrancheText(
    db,
    't',
    '(t.quantity - t.shipped_quantity - t.cancelled_quantity)',
    `FROM tranche t
       JOIN purchase_order o ON o.id = t.purchase_order_id
      WHERE o.status <> 'draft'
        AND t.shipped_quantity + t.cancelled_quantity < t.quantity
        AND ($1::uuid[] IS NULL OR t.product_model_id = ANY($1::uuid[]))`,
    [modelIds],
  );
}

/**
 * The open units and ship dates in force at the end of `asOf`, from the replayed timeline (the
 * segment whose [valid_from, valid_to) holds asOf), of these models (null: all). Only orders past
 * draft have a timeline.
 */
export function openTranchesAsOf(
  db: EntityManager,
  asOf: string,
  modelIds: string[] | null,
): Promise<PlanTrancheRow[]> {
  return readTrancheText(
    db,
    's',
    's.open_units',
    `FROM tranche_segment s
       JOIN tranche t ON t.id = s.tranche_id
       JOIN purchase_order o ON o.id = s.purchase_order_id
      WHERE s.valid_from <= $1::date AND (s.valid_to IS NULL OR s.valid_to > $1::date)
        AND s.open_units > 0
        AND ($2::uuid[] IS NULL OR s.product_model_id = ANY($2::uuid[]))`,
    [asOf, modelIds],
  );
}

/** Capacity of these models (null: all) from the planning start month on. */
export function capacityFrom(
  db: EntityManager,
  startMonth: string,
  modelIds: string[] | null,
): Promise<CapacityRow[]> {
  return db.query(
    `SELECT product_model_id AS "productModelId", to_char(month, 'YYYY-MM') AS month, units
       FROM production_capacity
      WHERE month >= $1::date AND ($2::uuid[] IS NULL OR product_model_id = ANY($2::uuid[]))`,
    [`${startMonth}-01`, modelIds],
  );
}

/** The models an order has tranches of. */
export async function modelsOfOrder(db: EntityManager, orderId: string): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    'SELECT DISTINCT product_model_id AS id FROM tranche WHERE purchase_order_id = $1',
    [orderId],
  );
  return rows.map((row) => row.id);
}

/** The customers a report's filters leave in. */
export async function customersMatching(
  db: EntityManager,
  filters: { customerId?: string; segment?: string; region?: string },
): Promise<Set<string>> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM customer
      WHERE ($1::uuid IS NULL OR id = $1::uuid)
        AND ($2::text IS NULL OR segment = $2::text)
        AND ($3::text IS NULL OR region = $3::text)`,
    [filters.customerId ?? null, filters.segment ?? null, filters.region ?? null],
  );
  return new Set(rows.map((row) => row.id));
}
