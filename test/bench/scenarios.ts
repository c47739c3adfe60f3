/**
 * What `npm run bench` measures. A scenario is one entry in SCENARIOS: add one to measure a new
 * route. `setup` runs once against the fresh app before the load; the load is then `connections`
 * clients sending `request` back to back for the bench duration.
 */
export interface Scenario {
  /** Shown in the table; `npm run bench -- <filter>` runs the scenarios whose name contains it. */
  name: string;
  /** Creates what the requests need (keys, product models, customers …). May return state for `body`. */
  setup?: (baseUrl: string, adminKey: string) => Promise<unknown>;
  request: {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    /** Path and query, e.g. `/api/v1/api-keys?limit=50`. */
    path: string;
    /** Sends the admin key as X-API-Key (default true; false for public routes). */
    auth?: boolean;
    headers?: Record<string, string>;
    /**
     * A JSON body: a value sent with every request, or a function called for every request (with
     * what `setup` returned and the request's sequence number) for bodies that must differ.
     */
    body?: unknown | ((state: any, sequence: number) => unknown);
  };
  /** A database-only figure measured in the same run for comparison (e.g. the same inserts in raw SQL). */
  baseline?: {
    name: string;
    run: (databaseUrl: string, state: any, seconds: number) => Promise<number>;
  };
  /**
   * The goal: a share of the bare Node `http` server's req/s, a share of the `baseline` measured in
   * the same run, or an absolute req/s (and p99).
   */
  target:
    { ratioToBare: number } | { ratioToBaseline: number } | { reqPerSec: number; p99Ms?: number };
}

/** POSTs JSON with the admin key; throws on a non-2xx answer so a broken setup is loud. */
export async function post(
  baseUrl: string,
  adminKey: string,
  path: string,
  body: unknown,
): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'GET /health',
    request: { path: '/health', auth: false },
    target: { ratioToBare: 0.5 },
  },
  {
    name: 'GET /api/v1/api-keys?limit=50 (50 keys)',
    setup: async (baseUrl, adminKey) => {
      for (let i = 0; i < 50; i++) {
        await post(baseUrl, adminKey, '/api/v1/api-keys', { name: `bench-${i}`, role: 'viewer' });
      }
    },
    request: { path: '/api/v1/api-keys?limit=50' },
    // Read from the database on every request: nothing is kept on the server.
    target: { ratioToBare: 0.04 },
  },
];

/** The same rows an order creation writes, inserted with plain SQL: what the database alone can do. */
export async function rawOrderInserts(
  databaseUrl: string,
  state: { customerId: string; productModelId: string },
  seconds: number,
) {
  const { Pool } = await import('pg');
  const pool = new Pool({ connectionString: databaseUrl, max: 8 });
  let done = 0;
  let sequence = 0;
  const until = Date.now() + seconds * 1000;
  const client = async () => {
    const c = await pool.connect();
    try {
      while (Date.now() < until) {
        const n = sequence++;
        await c.query('BEGIN');
        const [order] = (
          await c.query(
            `INSERT INTO purchase_order (number, customer_id, signed_on, payment_terms_code) VALUES ($1, $2, '2025-01-10', 'PT-30') RETURNING id`,
            [`PO-RAW-${n}`, state.customerId],
          )
        ).rows;
        const [line] = (
          await c.query(
            'INSERT INTO order_line (purchase_order_id, line_no, product_model_id, unit_price_cents) VALUES ($1, 1, $2, 306000) RETURNING id',
            [order.id, state.productModelId],
          )
        ).rows;
        await c.query(
          `INSERT INTO tranche (purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity, unit_price_cents, contract_quantity, contract_ship_date)
           SELECT $1, $2, $3, $4, s, DATE '2025-03-20' + (s - 1) * 30, 1000, 306000, 1000, DATE '2025-03-20' + (s - 1) * 30 FROM generate_series(1, 6) AS s`,
          [order.id, state.customerId, line.id, state.productModelId],
        );
        await c.query(
          `INSERT INTO audit_log (actor_type, actor_name, actor_role, action, entity_type, entity_id, changes) VALUES ('system', 'raw', 'admin', 'created', 'purchase_order', $1, '{}')`,
          [order.id],
        );
        await c.query(
          `INSERT INTO event (txid, type, entity_type, entity_id, data) VALUES (pg_current_xact_id()::text::bigint, 'purchase_order.created', 'purchase_order', $1, '{}')`,
          [order.id],
        );
        await c.query('COMMIT');
        done += 1;
      }
    } finally {
      c.release();
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  await pool.end();
  return done / seconds;
}

SCENARIOS.push(
  {
    name: 'GET /api/v1/product-models?limit=50 (50 models)',
    setup: async (baseUrl, adminKey) => {
      for (let i = 0; i < 50; i++) {
        await post(baseUrl, adminKey, '/api/v1/product-models', {
          sku: `BENCH-${i}`,
          name: `Bench miner ${i}`,
          series: 'Bench',
          hashrateThs: 90 + i,
          powerW: 3420,
          listPrice: '3060.00',
        });
      }
    },
    request: { path: '/api/v1/product-models?limit=50' },
    // Read from the database on every request: nothing is kept on the server.
    target: { ratioToBare: 0.04 },
  },
  {
    name: 'POST /api/v1/purchase-orders (6 tranches)',
    setup: async (baseUrl, adminKey) => {
      const model = await post(baseUrl, adminKey, '/api/v1/product-models', {
        sku: 'BENCH-A1246',
        name: 'AvalonMiner A1246',
        series: 'A12',
        hashrateThs: 90,
        powerW: 3420,
        listPrice: '3060.00',
      });
      const customer = await post(baseUrl, adminKey, '/api/v1/customers', {
        name: 'Bench Mining',
        legalName: 'Bench Mining Inc.',
        segment: 'public_miner',
        country: 'US',
      });
      await post(baseUrl, adminKey, '/api/v1/payment-terms', {
        code: 'PT-30',
        name: 'PT-30',
        depositPercent: 30,
        depositDueDays: 7,
        milestones: [{ percent: 70, dueDaysFromShip: -19 }],
      });
      return { customerId: customer.id, productModelId: model.id };
    },
    request: {
      method: 'POST',
      path: '/api/v1/purchase-orders',
      body: (state: { customerId: string; productModelId: string }) => ({
        customerId: state.customerId,
        signedOn: '2025-01-10',
        paymentTermsCode: 'PT-30',
        lines: [
          {
            productModelId: state.productModelId,
            unitPrice: '3060.00',
            tranches: ['03', '04', '05', '06', '07', '08'].map((m) => ({
              shipDate: `2025-${m}-20`,
              quantity: 1000,
            })),
          },
        ],
      }),
    },
    target: { ratioToBaseline: 0.5 },
    baseline: { name: 'raw SQL: the same inserts, 8 connections', run: rawOrderInserts },
  },
);
