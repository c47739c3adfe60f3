import type { EntityManager } from 'typeorm';
import type { CapacityRow, OpenTranche } from './allocate';

/** An open tranche with what the plan's readers show beside its allocation. */
export interface PlanTrancheRow extends OpenTranche {
  purchaseOrderId: string;
  customerId: string;
  unitPriceCents: number;
}

/** Which models to read: these only (null: all), less those already at hand; of some orders only. */
export interface ModelFilter {
  only: string[] | null;
  except?: string[];
  orders?: string[];
}

// A plan reads every open tranche, 100,000 and more. As rows, each field would be a string of its
// own and each row an object of ten, all kept as long as the plan is: most of a cold plan's time
// went to building them and to the garbage collector moving them. So the database writes each
// model's tranches as one text, a record per tranche:
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

const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/** Reads one model's text of tranches (see above) into `out`. */
function readTranches(
  productModelId: string,
  text: string,
  dates: Map<number, string>,
  out: PlanTrancheRow[],
): void {
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
  const date = (days: number) => {
    let value = dates.get(days);
    if (value === undefined) {
      value = new Date(DAY_ZERO + days * DAY_MS).toISOString().slice(0, 10);
      dates.set(days, value);
    }
    return value;
  };
  while (at < text.length) {
    const end = text.indexOf(',', at + 3 * ID);
    if (end < 0) throw new Error(`Tranche record of model ${productModelId} cut short at ${at}`);
    const record = text.slice(at, end);
    at = end + 1;
    const signedOn = date(int());
    const shipDate = date(int());
    const sequence = int();
    const openUnits = int();
    const unitPriceCents = int();
    out.push(
      new PlanTranche(
        record,
        productModelId,
        signedOn,
        shipDate,
        sequence,
        openUnits,
        unitPriceCents,
      ),
    );
  }
}

/** The figures a tranche's record is written from, as SQL expressions. */
interface RecordColumns {
  trancheId: string;
  orderId: string;
  customerId: string;
  model: string;
  shipDate: string;
  sequence: string;
  openUnits: string;
  unitPriceCents: string;
}

/**
 * Each model's text of tranches (see above) from the rows of `from` (which joins the order as o),
 * read into tranches. A whole model's text is gathered in memory, so the transaction `db` gets room
 * for it; reading a few orders' tranches needs none.
 */
async function readOpenTranches(
  db: EntityManager,
  columns: RecordColumns,
  from: string,
  params: unknown[],
  whole: boolean,
): Promise<PlanTrancheRow[]> {
  if (whole) await db.query(`SET LOCAL work_mem = '64MB'`);
  const c = columns;
  const rows = (await db.query(
    `SELECT ${c.model} AS "productModelId",
            string_agg(${c.trancheId}::text || ${c.orderId}::text || ${c.customerId}::text || o.number
                       || ',' || (o.signed_on - DATE '2000-01-01') || ',' || (${c.shipDate} - DATE '2000-01-01')
                       || ',' || ${c.sequence} || ',' || ${c.openUnits} || ',' || ${c.unitPriceCents}, ';') AS tranches
       ${from}
      GROUP BY ${c.model}`,
    params,
  )) as { productModelId: string; tranches: string }[];
  const dates = new Map<number, string>();
  const out: PlanTrancheRow[] = [];
  for (const row of rows) readTranches(row.productModelId, row.tranches, dates, out);
  return out;
}

/**
 * The open units of every order past draft as they stand now, from the tranches' current figures.
 * Unsorted: the allocation sorts in the application, which scales out, not in the one database.
 */
export function currentOpenTranches(
  db: EntityManager,
  models: ModelFilter,
): Promise<PlanTrancheRow[]> {
  return readOpenTranches(
    db,
    {
      trancheId: 't.id',
      orderId: 't.purchase_order_id',
      customerId: 't.customer_id',
      model: 't.product_model_id',
      shipDate: 't.ship_date',
      sequence: 't.sequence',
      openUnits: '(t.quantity - t.shipped_quantity - t.cancelled_quantity)',
      unitPriceCents: 't.unit_price_cents',
    },
    `FROM tranche t
       JOIN purchase_order o ON o.id = t.purchase_order_id
      WHERE o.status <> 'draft'
        AND t.shipped_quantity + t.cancelled_quantity < t.quantity
        AND ($1::uuid[] IS NULL OR t.product_model_id = ANY($1::uuid[]))
        AND NOT t.product_model_id = ANY($2::uuid[])
        AND ($3::uuid[] IS NULL OR t.purchase_order_id = ANY($3::uuid[]))`,
    [models.only, models.except ?? [], models.orders ?? null],
    !models.orders,
  );
}

/**
 * The open units and ship dates in force at the end of `asOf`, from the replayed timeline (the
 * segment whose [valid_from, valid_to) holds asOf). Only orders past draft have a timeline.
 */
export function openTranchesAsOf(
  db: EntityManager,
  asOf: string,
  models: ModelFilter,
): Promise<PlanTrancheRow[]> {
  return readOpenTranches(
    db,
    {
      trancheId: 's.tranche_id',
      orderId: 's.purchase_order_id',
      customerId: 's.customer_id',
      model: 's.product_model_id',
      shipDate: 's.ship_date',
      sequence: 't.sequence',
      openUnits: 's.open_units',
      unitPriceCents: 's.unit_price_cents',
    },
    `FROM tranche_segment s
       JOIN tranche t ON t.id = s.tranche_id
       JOIN purchase_order o ON o.id = s.purchase_order_id
      WHERE s.valid_from <= $1::date AND (s.valid_to IS NULL OR s.valid_to > $1::date)
        AND s.open_units > 0
        AND ($2::uuid[] IS NULL OR s.product_model_id = ANY($2::uuid[]))
        AND NOT s.product_model_id = ANY($3::uuid[])
        AND ($4::uuid[] IS NULL OR s.purchase_order_id = ANY($4::uuid[]))`,
    [asOf, models.only, models.except ?? [], models.orders ?? null],
    !models.orders,
  );
}

/** Capacity from the planning start month on (earlier months cannot be planned). */
export async function capacityFrom(
  db: EntityManager,
  startMonth: string,
  models: ModelFilter,
): Promise<CapacityRow[]> {
  return (await db.query(
    `SELECT product_model_id AS "productModelId", to_char(month, 'YYYY-MM') AS month, units
       FROM production_capacity
      WHERE month >= $1::date AND ($2::uuid[] IS NULL OR product_model_id = ANY($2::uuid[]))
        AND NOT product_model_id = ANY($3::uuid[])`,
    [`${startMonth}-01`, models.only, models.except ?? []],
  )) as CapacityRow[];
}
