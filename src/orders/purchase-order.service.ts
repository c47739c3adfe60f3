import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { today } from '../common/dates';
import {
  ConflictError,
  FieldError,
  InvalidStateError,
  NotFoundError,
  ReferenceNotFoundError,
  UnprocessableError,
  ValidationFailedError,
} from '../common/errors';
import { assertIfMatch } from '../common/if-match';
import { formatMoney, parseMoney } from '../common/money';
import { OpportunityService } from '../customers/opportunities/opportunity.service';
import { keysetCondition, Page, pageOf, rawKey } from '../common/pagination';
import { APP_CONFIG, AppConfig } from '../config/config';
import { PreparedQueries } from '../database/prepared-queries';
import { Amendment } from './amendment.entity';
import { BookStore } from './book.store';
import { BookChange, TermsSnapshot } from './book.types';
import { PaymentTerms } from './payment-terms.entity';
import {
  AmendmentDto,
  CancelPurchaseOrderDto,
  CreateAmendmentDto,
  CreatePurchaseOrderDto,
  OrderLineInputDto,
  PurchaseOrderDto,
  PurchaseOrderQueryDto,
  UpdatePurchaseOrderDto,
} from './purchase-order.dto';
import { OrderStatus, PurchaseOrder } from './purchase-order.entity';
import { toAmendmentDto, toPurchaseOrderDto, TrancheView } from './purchase-order.mapper';

interface ModelRow {
  id: string;
  status: string;
  list_price_cents: number;
  hashrate_ths: string;
}

/** What this instance last saw of a model, kept beyond this number of models only anew. */
const MAX_MODEL_FACTS = 10_000;

/** The facts of the models selected, as a JSON array of ModelRow. */
const MODEL_FACTS = `coalesce(json_agg(json_build_object('id', id, 'status', status, 'list_price_cents', list_price_cents,
  'hashrate_ths', hashrate_ths::text)), '[]')`;

/** An order's lines and tranches as planned, ids included. */
interface PlannedLines {
  lines: { id: string; no: number; model: string; price: number }[];
  tranches: {
    id: string;
    lineId: string;
    model: string;
    seq: number;
    ship: string;
    qty: number;
    price: number;
  }[];
}

/** Whether the customer and the payment terms (a null code needs none) the parameters name exist. */
const referencesFound = (customer: string, terms: string) =>
  `EXISTS (SELECT 1 FROM customer WHERE id = ${customer}::uuid) AS customer_found,
   (${terms}::text IS NULL OR EXISTS (SELECT 1 FROM payment_terms WHERE code = ${terms}::text)) AS terms_found`;

/** What the draft statement found: a number if it wrote the draft, the models' facts if they changed. */
interface DraftOutcome {
  customer_found: boolean;
  terms_found: boolean;
  number: string | null;
  now: Date;
  models: ModelRow[];
}

/** What a draft is made of, resolved and checked. */
export interface DraftInput {
  customerId: string;
  signedOn: string;
  paymentTermsCode?: string | null;
  customerReference?: string | null;
  externalRef?: string | null;
  lines: OrderLineInputDto[];
}

/** The transitions each action may make; anything else is 409 INVALID_STATE. */
const ALLOWED: Record<string, OrderStatus[]> = {
  edit: ['draft'],
  confirm: ['draft'],
  amend: ['confirmed'],
  cancel: ['confirmed'],
  ship: ['confirmed'],
  pay: ['confirmed', 'completed', 'cancelled'],
};

export function assertTransition(action: keyof typeof ALLOWED, status: OrderStatus): void {
  if (!ALLOWED[action].includes(status)) {
    throw new InvalidStateError(
      `A ${status} purchase order cannot be ${action === 'edit' ? 'edited' : `given this action (${action})`}`,
    );
  }
}

@Injectable()
export class PurchaseOrderService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly book: BookStore,
    private readonly opportunities: OpportunityService,
    private readonly prepared: PreparedQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The models' facts as this instance last read them; the draft statement checks them. */
  private readonly modelFacts = new Map<string, ModelRow>();

  today(): string {
    return today(this.config.businessTimeZone);
  }

  /**
   * Books a draft in one statement: it checks the references and takes a number, and writes the
   * order, its lines and tranches, the audit row and the feed event only if they hold — atomic on
   * its own, so no transaction round trips are needed. Ids are made here, so the response is known
   * beforehand but for the number and the time, which the statement returns. It is a prepared
   * statement: its text never varies.
   */
  async create(body: CreatePurchaseOrderDto): Promise<PurchaseOrderDto> {
    return this.writeDraft(
      (text, values) => this.prepared.prepared(text, values),
      body,
      null,
      true,
    );
  }

  /** Inserts a draft in the caller's transaction (also used by conversion and imports); not audited here. */
  insertDraft(
    tx: EntityManager,
    input: DraftInput,
    opportunityId: string | null = null,
  ): Promise<PurchaseOrderDto> {
    const run = (text: string, values: unknown[]) => tx.query(text, values) as Promise<unknown[]>;
    return this.writeDraft(run, input, opportunityId, false);
  }

  /**
   * The models' prices and hash rates are taken from what this instance last read of them, and the
   * statement writes only if they are still so (and orderable); if not, it writes nothing and
   * returns them as they are now, and the draft is checked and composed again.
   */
  private async writeDraft(
    run: (text: string, values: unknown[]) => Promise<unknown[]>,
    input: DraftInput,
    opportunityId: string | null,
    audited: boolean,
  ): Promise<PurchaseOrderDto> {
    const modelIds = [...new Set(input.lines.map((l) => l.productModelId))];
    const facts = new Map<string, ModelRow>();
    for (const id of modelIds) {
      const known = this.modelFacts.get(id);
      if (known) facts.set(id, known);
    }
    if (facts.size < modelIds.length) {
      const [read] = (await run(
        `SELECT ${MODEL_FACTS} AS models FROM product_model WHERE id = ANY($1::uuid[])`,
        [modelIds.filter((id) => !facts.has(id))],
      )) as { models: ModelRow[] }[];
      this.learnModels(read.models, facts);
    }
    for (let attempt = 1; ; attempt++) {
      let models: Map<string, ModelRow>;
      try {
        models = this.checkModels(input.lines, [...facts.values()]);
      } catch (modelError) {
        // A missing customer or terms is reported before the models, as the statement does.
        const [found] = (await run(`SELECT ${referencesFound('$1', '$2')}`, [
          input.customerId,
          input.paymentTermsCode ?? null,
        ])) as DraftOutcome[];
        this.checkReferences(found, input);
        throw modelError;
      }
      const draft = this.composeDraft(input, models, opportunityId);
      const statement = this.draftStatement(draft, models, audited);
      const [outcome] = (await run(statement.text, statement.params)) as DraftOutcome[];
      this.checkReferences(outcome, input);
      if (outcome.number !== null) {
        draft.dto.number = outcome.number;
        draft.dto.createdAt = draft.dto.updatedAt = outcome.now.toISOString();
        return draft.dto;
      }
      // A model changed since this instance read it: nothing was written; check and compose again.
      facts.clear();
      for (const id of modelIds) this.modelFacts.delete(id);
      this.learnModels(outcome.models, facts);
      if (attempt === 3)
        throw new Error('The product models kept changing while the order was booked');
    }
  }

  private checkReferences(
    found: Pick<DraftOutcome, 'customer_found' | 'terms_found'>,
    input: DraftInput,
  ): void {
    if (!found.customer_found)
      throw new ReferenceNotFoundError('customerId', 'Customer', input.customerId);
    if (!found.terms_found)
      throw new ReferenceNotFoundError(
        'paymentTermsCode',
        'Payment terms',
        input.paymentTermsCode!,
      );
  }

  /** Adds models read just now to `facts`, and keeps the orderable ones for the next drafts. */
  private learnModels(models: ModelRow[], facts: Map<string, ModelRow>): void {
    if (this.modelFacts.size + models.length > MAX_MODEL_FACTS) this.modelFacts.clear();
    for (const model of models) {
      facts.set(model.id, model);
      if (model.status === 'end_of_life') this.modelFacts.delete(model.id);
      else this.modelFacts.set(model.id, model);
    }
  }

  /** The rows of a new draft and its response, ids included; number and time are the statement's. */
  private composeDraft(
    input: DraftInput,
    models: Map<string, ModelRow>,
    opportunityId: string | null,
  ) {
    const plan = this.planLines(input.lines, models);
    const { lines, tranches } = plan;
    const order = Object.assign(new PurchaseOrder(), {
      id: randomUUID(),
      number: '',
      customerId: input.customerId,
      signedOn: input.signedOn,
      paymentTermsCode: input.paymentTermsCode ?? null,
      terms: null,
      customerReference: input.customerReference ?? null,
      externalRef: input.externalRef ?? null,
      opportunityId,
      status: 'draft' as const,
      version: 1,
      unappliedCents: 0,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      confirmedAt: null,
    });
    const dto = toPurchaseOrderDto(
      order,
      lines.map((l) => ({ id: l.id, product_model_id: l.model, unit_price_cents: l.price })),
      tranches.map((t) => ({
        id: t.id,
        line_id: t.lineId,
        sequence: t.seq,
        ship_date: t.ship,
        quantity: t.qty,
        unit_price_cents: t.price,
        shipped_quantity: 0,
        cancelled_quantity: 0,
        hashrate_ths: models.get(t.model)!.hashrate_ths,
      })),
    );
    return { order, plan, dto };
  }

  /**
   * The draft as one statement. `g` checks the customer and the terms, and that the models are
   * still as `models` says; `ok` holds the number and the time only if all of that holds, and
   * every insert reads from it.
   */
  private draftStatement(
    draft: ReturnType<PurchaseOrderService['composeDraft']>,
    models: Map<string, ModelRow>,
    audited: boolean,
  ) {
    const { order } = draft;
    const known = [...models.values()];
    const params: unknown[] = [
      order.id,
      order.signedOn.slice(0, 4),
      order.customerId,
      order.signedOn,
      order.paymentTermsCode,
      order.customerReference,
      order.externalRef,
      order.opportunityId,
      known.map((m) => m.id),
      known.map((m) => m.list_price_cents),
      known.map((m) => m.hashrate_ths),
    ];
    const lines = this.lineInserts(draft.plan, params.length + 1, {
      order: '$1',
      customer: '$3',
      rows: 'ok',
    });
    params.push(...lines.params);
    const stamp = `jsonb_build_object('number', ok.number, 'createdAt', ok.at, 'updatedAt', ok.at)`;
    const audit = audited
      ? this.audit.statementParts(
          [
            {
              entityType: 'purchase_order',
              entityId: order.id,
              action: 'created',
              after: draft.dto,
            },
          ],
          params.length + 1,
          { rows: 'ok', patch: stamp },
        )
      : { ctes: [], params: [] };
    const text = `
      WITH g AS (
        SELECT ${referencesFound('$3', '$5')},
               (SELECT count(*) FROM unnest($9::uuid[], $10::bigint[], $11::text[]) AS k(id, price, hashrate)
                  JOIN product_model m ON m.id = k.id AND m.status <> 'end_of_life'
                   AND m.list_price_cents = k.price AND m.hashrate_ths::text = k.hashrate
               ) = cardinality($9::uuid[]) AS models_current,
               date_trunc('milliseconds', now()) AS now
      ), ok AS MATERIALIZED (
        SELECT 'PO-' || $2::text || '-' || lpad(n::text, greatest(5, length(n::text)), '0') AS number, now,
               to_char(now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
          FROM g, nextval('purchase_order_number_seq') AS n
         WHERE customer_found AND terms_found AND models_current
      ), o AS (
        INSERT INTO purchase_order (id, number, customer_id, signed_on, payment_terms_code, customer_reference, external_ref,
                                    opportunity_id, created_at, updated_at)
        SELECT $1, ok.number, $3, $4, $5, $6, $7, $8, ok.now, ok.now FROM ok
      )${[...lines.ctes, ...audit.ctes].map((cte, i) => `, w${i} AS (${cte})`).join('')}
      SELECT g.customer_found, g.terms_found, (SELECT number FROM ok), g.now,
             CASE WHEN NOT g.models_current THEN
               (SELECT ${MODEL_FACTS} FROM product_model WHERE id = ANY($9::uuid[]))
             END AS models
        FROM g`;
    return { text, params: [...params, ...audit.params] };
  }

  /** Opportunity → draft order, in one transaction with the opportunity locked. */
  convertOpportunity(opportunityId: string, signedOn?: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const opportunity = await this.opportunities.lockForConversion(tx, opportunityId);
      if (opportunity.purchaseOrderId) {
        throw new ConflictError(
          'ALREADY_CONVERTED',
          `Opportunity ${opportunityId} was already converted into purchase order ${opportunity.purchaseOrderId}`,
        );
      }
      if (opportunity.stage === 'lost')
        throw new InvalidStateError('A lost opportunity cannot be converted');
      if (!opportunity.firstDeliveryOn) {
        throw new UnprocessableError(
          'FIRST_DELIVERY_MISSING',
          'The opportunity has no firstDeliveryOn to ship its tranche on',
          [{ path: 'firstDeliveryOn', message: 'is needed to convert the opportunity' }],
        );
      }
      const order = await this.insertDraft(
        tx,
        {
          customerId: opportunity.customerId,
          signedOn: signedOn ?? this.today(),
          lines: [
            {
              productModelId: opportunity.productModelId,
              unitPrice: formatMoney(opportunity.unitPriceCents),
              tranches: [{ shipDate: opportunity.firstDeliveryOn, quantity: opportunity.quantity }],
            },
          ],
        },
        opportunity.id,
      );
      await this.opportunities.markConverted(tx, opportunity, order.id);
      await this.audit.record(tx, {
        entityType: 'purchase_order',
        entityId: order.id,
        action: 'created',
        after: order,
      });
      return order;
    });
  }

  async get(id: string): Promise<PurchaseOrderDto> {
    return this.load(this.dataSource.manager, id);
  }

  async getByExternalRef(ref: string): Promise<PurchaseOrderDto> {
    const [row] = (await this.dataSource.query(
      'SELECT id FROM purchase_order WHERE external_ref = $1',
      [ref],
    )) as { id: string }[];
    if (!row) throw new NotFoundError('Purchase order with externalRef', ref);
    return this.load(this.dataSource.manager, row.id);
  }

  async list(query: PurchaseOrderQueryDto): Promise<Page<PurchaseOrderDto>> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace(/\?/g, `$${params.length}`));
    };
    if (query.customerId) add('o.customer_id = ?', query.customerId);
    if (query.status) add('o.status = ?', query.status);
    if (query.productModelId)
      add(
        'EXISTS (SELECT 1 FROM order_line l WHERE l.purchase_order_id = o.id AND l.product_model_id = ?)',
        query.productModelId,
      );
    const after = keysetCondition('o', query.cursor, params);
    if (after) where.push(after);
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT o.id, o.created_at FROM purchase_order o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY o.created_at, o.id LIMIT $${params.length}`,
      params,
    )) as { id: string; created_at: Date }[];
    const page = pageOf(rows, limit, rawKey);
    return {
      items: await this.loadMany(
        this.dataSource.manager,
        page.rows.map((r) => r.id),
      ),
      nextCursor: page.nextCursor,
    };
  }

  update(id: string, body: UpdatePurchaseOrderDto, ifMatch?: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.lock(tx, id);
      assertIfMatch(ifMatch, order.version);
      assertTransition('edit', order.status);
      const before = await this.load(tx, id);
      const customerId = body.customerId ?? order.customerId;
      if (body.customerId) await this.checkCustomer(tx, body.customerId);
      if (body.paymentTermsCode)
        await this.findTerms(tx, body.paymentTermsCode, 'paymentTermsCode');
      const pick = <K extends keyof UpdatePurchaseOrderDto>(key: K, current: unknown) =>
        body[key] !== undefined ? body[key] : current;
      await tx.query(
        `UPDATE purchase_order SET customer_id = $2, signed_on = $3, payment_terms_code = $4, customer_reference = $5,
                external_ref = $6, version = version + 1, updated_at = now() WHERE id = $1`,
        [
          id,
          customerId,
          pick('signedOn', order.signedOn),
          pick('paymentTermsCode', order.paymentTermsCode),
          pick('customerReference', order.customerReference),
          pick('externalRef', order.externalRef),
        ],
      );
      if (body.lines) {
        const models = await this.resolveModels(tx, body.lines);
        await tx.query('DELETE FROM tranche WHERE purchase_order_id = $1', [id]);
        await tx.query('DELETE FROM order_line WHERE purchase_order_id = $1', [id]);
        await this.insertLines(tx, id, customerId, body.lines, models);
      } else if (body.customerId) {
        await tx.query('UPDATE tranche SET customer_id = $2 WHERE purchase_order_id = $1', [
          id,
          customerId,
        ]);
      }
      const after = await this.load(tx, id);
      await this.audit.record(tx, {
        entityType: 'purchase_order',
        entityId: id,
        action: 'updated',
        before,
        after,
      });
      return after;
    });
  }

  confirm(id: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction((tx) => this.confirmInTx(tx, id));
  }

  /** Confirms a draft in the caller's transaction (also used by imports). */
  async confirmInTx(tx: EntityManager, id: string): Promise<PurchaseOrderDto> {
    const order = await this.lock(tx, id);
    assertTransition('confirm', order.status);
    const before = await this.load(tx, id);
    const code = order.paymentTermsCode ?? (await this.customerDefaultTerms(tx, order.customerId));
    const terms = code ? await this.findTerms(tx, code, 'paymentTermsCode') : null;
    const snapshot: TermsSnapshot | null = terms
      ? {
          code: terms.code,
          depositPercent: terms.depositPercent,
          depositDueDays: terms.depositDueDays,
          milestones: terms.milestones,
        }
      : null;
    await tx.query(
      `UPDATE purchase_order SET status = 'confirmed', terms = $2, payment_terms_code = $3, confirmed_at = now(),
              version = version + 1, updated_at = now() WHERE id = $1`,
      [id, snapshot ? JSON.stringify(snapshot) : null, code ?? null],
    );
    await this.rebuild(tx, { ...order, terms: snapshot });
    const after = await this.load(tx, id);
    await this.audit.record(tx, {
      entityType: 'purchase_order',
      entityId: id,
      action: 'confirmed',
      before,
      after,
    });
    return after;
  }

  amend(id: string, body: CreateAmendmentDto, ifMatch?: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.lock(tx, id);
      assertIfMatch(ifMatch, order.version);
      assertTransition('amend', order.status);
      this.checkEffectiveOn(order, body.effectiveOn);
      const before = await this.load(tx, id);
      const amendmentId = (await tx.query('SELECT gen_random_uuid() AS id'))[0].id as string;
      const changes = await this.resolveChanges(tx, order, body, amendmentId);
      await tx.query(
        `INSERT INTO amendment (id, purchase_order_id, kind, effective_on, reason, changes) VALUES ($1, $2, 'amendment', $3, $4, $5)`,
        [amendmentId, id, body.effectiveOn, body.reason, JSON.stringify(changes)],
      );
      return this.afterChange(tx, order, before, 'amended');
    });
  }

  cancel(id: string, body: CancelPurchaseOrderDto): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.lock(tx, id);
      assertTransition('cancel', order.status);
      this.checkEffectiveOn(order, body.effectiveOn);
      const before = await this.load(tx, id);
      const open = (await tx.query(
        'SELECT id FROM tranche WHERE purchase_order_id = $1 AND quantity - shipped_quantity - cancelled_quantity > 0 ORDER BY sequence',
        [id],
      )) as { id: string }[];
      const changes: BookChange[] = open.map((t) => ({ type: 'cancel', trancheId: t.id }));
      await tx.query(
        `INSERT INTO amendment (purchase_order_id, kind, effective_on, reason, changes) VALUES ($1, 'cancellation', $2, $3, $4)`,
        [id, body.effectiveOn, body.reason, JSON.stringify(changes)],
      );
      return this.afterChange(tx, order, before, 'cancelled');
    });
  }

  async amendments(id: string): Promise<AmendmentDto[]> {
    await this.load(this.dataSource.manager, id);
    const rows = await this.dataSource.getRepository(Amendment).find({
      where: { purchaseOrderId: id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toAmendmentDto);
  }

  /**
   * After an amendment, shipment or payment: replays the book, moves the order to completed or
   * cancelled when nothing is left open, bumps its version and records the change.
   */
  async afterChange(
    tx: EntityManager,
    order: PurchaseOrder,
    before: PurchaseOrderDto,
    action: 'amended' | 'cancelled' | 'shipped' | 'paid',
  ): Promise<PurchaseOrderDto> {
    const status = await this.rebuild(tx, order);
    await tx.query(
      `UPDATE purchase_order SET version = version + 1, updated_at = now() WHERE id = $1`,
      [order.id],
    );
    const after = await this.load(tx, order.id);
    const changes = [];
    if (action === 'amended' || action === 'cancelled') {
      changes.push({
        entityType: 'purchase_order',
        entityId: order.id,
        action,
        before,
        after,
        eventType:
          action === 'cancelled' && status !== 'cancelled' ? 'purchase_order.amended' : undefined,
      });
    }
    if (
      status !== order.status &&
      status !== 'confirmed' &&
      !(action === 'cancelled' && status === 'cancelled')
    ) {
      changes.push({
        entityType: 'purchase_order',
        entityId: order.id,
        action: status,
        before,
        after,
      });
    }
    await this.audit.recordMany(tx, changes);
    return after;
  }

  /** Replays the book and stores the status it implies; returns that status. */
  async rebuild(
    tx: EntityManager,
    order: Pick<PurchaseOrder, 'id' | 'customerId' | 'signedOn' | 'terms'>,
  ): Promise<OrderStatus> {
    const { status } = await this.book.rebuild(tx, order);
    await tx.query('UPDATE purchase_order SET status = $2 WHERE id = $1', [order.id, status]);
    return status;
  }

  async lock(tx: EntityManager, id: string): Promise<PurchaseOrder> {
    const order = await tx
      .getRepository(PurchaseOrder)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!order) throw new NotFoundError('Purchase order', id);
    return order;
  }

  checkEffectiveOn(order: PurchaseOrder, effectiveOn: string): void {
    const now = this.today();
    if (effectiveOn < order.signedOn || effectiveOn > now) {
      throw new UnprocessableError(
        'EFFECTIVE_DATE_OUT_OF_RANGE',
        `effectiveOn must lie between the signing date ${order.signedOn} and today ${now}`,
        [{ path: 'effectiveOn', message: `must lie between ${order.signedOn} and ${now}` }],
      );
    }
  }

  private async resolveChanges(
    tx: EntityManager,
    order: PurchaseOrder,
    body: CreateAmendmentDto,
    amendmentId: string,
  ): Promise<BookChange[]> {
    const tranches = (await tx.query(
      `SELECT id, line_id, product_model_id, unit_price_cents, quantity, shipped_quantity, cancelled_quantity, sequence
         FROM tranche WHERE purchase_order_id = $1`,
      [order.id],
    )) as {
      id: string;
      line_id: string;
      product_model_id: string;
      unit_price_cents: number;
      quantity: number;
      shipped_quantity: number;
      cancelled_quantity: number;
      sequence: number;
    }[];
    const lines = (await tx.query(
      'SELECT id, product_model_id, unit_price_cents FROM order_line WHERE purchase_order_id = $1',
      [order.id],
    )) as {
      id: string;
      product_model_id: string;
      unit_price_cents: number;
    }[];
    const byId = new Map(tranches.map((t) => [t.id, t]));
    const lineById = new Map(lines.map((l) => [l.id, l]));
    let nextSequence = Math.max(0, ...tranches.map((t) => t.sequence)) + 1;
    const shapeErrors: FieldError[] = [];
    const changes: BookChange[] = [];
    body.changes.forEach((change, index) => {
      const path = `changes[${index}]`;
      const has = (key: keyof typeof change) => change[key] !== undefined;
      const keys = (
        ['trancheId', 'lineId', 'shipDate', 'quantity', 'cancel', 'unitPrice'] as const
      ).filter(has);
      const shape = keys.sort().join(',');
      if (shape === 'shipDate,trancheId') {
        changes.push({
          type: 'reschedule',
          trancheId: change.trancheId!,
          shipDate: change.shipDate!,
        });
      } else if (shape === 'quantity,trancheId') {
        changes.push({
          type: 'set_quantity',
          trancheId: change.trancheId!,
          quantity: change.quantity!,
        });
      } else if (shape === 'cancel,trancheId' && change.cancel === true) {
        changes.push({ type: 'cancel', trancheId: change.trancheId! });
      } else if (
        shape === 'lineId,quantity,shipDate' ||
        shape === 'lineId,quantity,shipDate,unitPrice'
      ) {
        if (change.quantity! < 1) {
          shapeErrors.push({
            path: `${path}.quantity`,
            message: 'must be at least 1 for a new tranche',
          });
          return;
        }
        changes.push({
          type: 'add_tranche',
          trancheId: change.lineId!, // replaced with the new tranche's id below
          sequence: 0,
          shipDate: change.shipDate!,
          quantity: change.quantity!,
          unitPriceCents: change.unitPrice ? parseMoney(change.unitPrice) : -1,
        });
      } else {
        shapeErrors.push({
          path,
          message:
            'must be one of {trancheId, shipDate}, {trancheId, quantity}, {trancheId, cancel: true}, {lineId, shipDate, quantity, unitPrice?}',
        });
      }
    });
    if (shapeErrors.length > 0)
      throw new ValidationFailedError(
        shapeErrors.map((e) => `${e.path}: ${e.message}`).join('; '),
        shapeErrors,
      );

    for (const [index, change] of changes.entries()) {
      if (change.type === 'add_tranche') {
        const line = lineById.get(change.trancheId);
        if (!line)
          throw new ReferenceNotFoundError(
            `changes[${index}].lineId`,
            'Order line',
            change.trancheId,
          );
        const price =
          change.unitPriceCents >= 0 ? change.unitPriceCents : Number(line.unit_price_cents);
        const [created] = (await tx.query(
          `INSERT INTO tranche (purchase_order_id, line_id, product_model_id, customer_id, sequence, ship_date, quantity,
                                unit_price_cents, contract_quantity, contract_ship_date, added_by_amendment_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $6, $9) RETURNING id`,
          [
            order.id,
            line.id,
            line.product_model_id,
            order.customerId,
            nextSequence,
            change.shipDate,
            change.quantity,
            price,
            amendmentId,
          ],
        )) as { id: string }[];
        changes[index] = {
          ...change,
          trancheId: created.id,
          sequence: nextSequence,
          unitPriceCents: price,
        };
        nextSequence += 1;
        continue;
      }
      const tranche = byId.get(change.trancheId);
      if (!tranche)
        throw new ReferenceNotFoundError(
          `changes[${index}].trancheId`,
          'Tranche of this order',
          change.trancheId,
        );
      const open = tranche.quantity - tranche.shipped_quantity - tranche.cancelled_quantity;
      if (change.type === 'set_quantity' && change.quantity < tranche.shipped_quantity) {
        throw new ConflictError(
          'QUANTITY_BELOW_SHIPPED',
          `changes[${index}].quantity ${change.quantity} is below the ${tranche.shipped_quantity} units already shipped`,
        );
      }
      if (change.type === 'cancel' && open === 0) {
        throw new ConflictError(
          'NOTHING_OPEN',
          `changes[${index}]: tranche ${tranche.sequence} has no open units to cancel`,
        );
      }
    }
    return changes;
  }

  private async checkCustomer(tx: EntityManager, customerId: string): Promise<void> {
    const rows = (await tx.query('SELECT 1 FROM customer WHERE id = $1', [
      customerId,
    ])) as unknown[];
    if (rows.length === 0) throw new ReferenceNotFoundError('customerId', 'Customer', customerId);
  }

  private async customerDefaultTerms(
    tx: EntityManager,
    customerId: string,
  ): Promise<string | null> {
    const [row] = (await tx.query(
      'SELECT default_payment_terms_code AS code FROM customer WHERE id = $1',
      [customerId],
    )) as { code: string | null }[];
    return row?.code ?? null;
  }

  private async findTerms(tx: EntityManager, code: string, path: string): Promise<PaymentTerms> {
    const terms = await tx.getRepository(PaymentTerms).findOne({ where: { code } });
    if (!terms) throw new ReferenceNotFoundError(path, 'Payment terms', code);
    return terms;
  }

  private async resolveModels(
    tx: EntityManager,
    lines: OrderLineInputDto[],
  ): Promise<Map<string, ModelRow>> {
    const ids = [...new Set(lines.map((l) => l.productModelId))];
    const rows = (await tx.query(
      'SELECT id, status, list_price_cents, hashrate_ths FROM product_model WHERE id = ANY($1::uuid[])',
      [ids],
    )) as ModelRow[];
    return this.checkModels(lines, rows);
  }

  /** Every line's model exists and may be ordered. */
  private checkModels(lines: OrderLineInputDto[], rows: ModelRow[]): Map<string, ModelRow> {
    const models = new Map(rows.map((r) => [r.id, r]));
    lines.forEach((line, index) => {
      const model = models.get(line.productModelId);
      if (!model)
        throw new ReferenceNotFoundError(
          `lines[${index}].productModelId`,
          'Product model',
          line.productModelId,
        );
      if (model.status === 'end_of_life') {
        throw new UnprocessableError(
          'PRODUCT_MODEL_NOT_ORDERABLE',
          `Product model ${line.productModelId} is end of life and cannot be put on a new order`,
          [{ path: `lines[${index}].productModelId`, message: 'is end of life' }],
        );
      }
    });
    return models;
  }

  /**
   * Lines numbered 1…n and tranches numbered 1…m across the order, with their prices resolved and
   * their ids made here.
   */
  private planLines(lines: OrderLineInputDto[], models: Map<string, ModelRow>): PlannedLines {
    const planned = lines.map((line, index) => ({
      id: randomUUID(),
      no: index + 1,
      model: line.productModelId,
      price: line.unitPrice
        ? parseMoney(line.unitPrice)
        : Number(models.get(line.productModelId)!.list_price_cents),
    }));
    let seq = 1;
    const tranches = lines.flatMap((line, index) =>
      line.tranches.map((tranche) => ({
        id: randomUUID(),
        lineId: planned[index].id,
        model: line.productModelId,
        seq: seq++,
        ship: tranche.shipDate,
        qty: tranche.quantity,
        price: tranche.unitPrice ? parseMoney(tranche.unitPrice) : planned[index].price,
      })),
    );
    return { lines: planned, tranches };
  }

  /**
   * The inserts of planned lines and tranches as data-modifying statements with parameters
   * numbered from `first`; `order` and `customer` are the parameters naming those, and `rows`,
   * when given, a relation every row is written once for (none: nothing written).
   */
  private lineInserts(
    plan: PlannedLines,
    first: number,
    refs: { order: string; customer: string; rows?: string },
  ): { ctes: string[]; params: unknown[] } {
    const $ = (k: number) => `$${first + k}`;
    const from = refs.rows ? `${refs.rows}, ` : '';
    return {
      ctes: [
        `INSERT INTO order_line (id, purchase_order_id, line_no, product_model_id, unit_price_cents)
         SELECT x.id, ${refs.order}, x.no, x.model, x.price
           FROM ${from}unnest(${$(0)}::uuid[], ${$(1)}::int[], ${$(2)}::uuid[], ${$(3)}::bigint[]) AS x(id, no, model, price)`,
        `INSERT INTO tranche (id, purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity,
                              unit_price_cents, contract_quantity, contract_ship_date)
         SELECT x.id, ${refs.order}, ${refs.customer}, x.line, x.model, x.seq, x.ship, x.qty, x.price, x.qty, x.ship
           FROM ${from}unnest(${$(4)}::uuid[], ${$(5)}::uuid[], ${$(6)}::uuid[], ${$(7)}::int[], ${$(8)}::date[],
                              ${$(9)}::int[], ${$(10)}::bigint[]) AS x(id, line, model, seq, ship, qty, price)`,
      ],
      params: [
        plan.lines.map((l) => l.id),
        plan.lines.map((l) => l.no),
        plan.lines.map((l) => l.model),
        plan.lines.map((l) => l.price),
        plan.tranches.map((t) => t.id),
        plan.tranches.map((t) => t.lineId),
        plan.tranches.map((t) => t.model),
        plan.tranches.map((t) => t.seq),
        plan.tranches.map((t) => t.ship),
        plan.tranches.map((t) => t.qty),
        plan.tranches.map((t) => t.price),
      ],
    };
  }

  private async insertLines(
    tx: EntityManager,
    orderId: string,
    customerId: string,
    lines: OrderLineInputDto[],
    models: Map<string, ModelRow>,
  ) {
    const inserts = this.lineInserts(this.planLines(lines, models), 3, {
      order: '$1',
      customer: '$2',
    });
    await tx.query(
      `WITH ${inserts.ctes.map((cte, i) => `w${i} AS (${cte})`).join(', ')} SELECT 1`,
      [orderId, customerId, ...inserts.params],
    );
  }

  async load(tx: EntityManager, id: string): Promise<PurchaseOrderDto> {
    const [order] = await this.loadMany(tx, [id]);
    if (!order) throw new NotFoundError('Purchase order', id);
    return order;
  }

  async loadMany(tx: EntityManager, ids: string[]): Promise<PurchaseOrderDto[]> {
    if (ids.length === 0) return [];
    // One after the other: a transaction's queries share one connection.
    const orders = await tx
      .getRepository(PurchaseOrder)
      .createQueryBuilder('o')
      .where('o.id = ANY(:ids)', { ids })
      .getMany();
    const lines = (await tx.query(
      'SELECT id, purchase_order_id, line_no, product_model_id, unit_price_cents FROM order_line WHERE purchase_order_id = ANY($1::uuid[]) ORDER BY line_no',
      [ids],
    )) as {
      id: string;
      purchase_order_id: string;
      line_no: number;
      product_model_id: string;
      unit_price_cents: number;
    }[];
    const tranches = (await tx.query(
      `SELECT t.id, t.purchase_order_id, t.line_id, t.sequence, t.ship_date, t.quantity, t.unit_price_cents, t.shipped_quantity,
              t.cancelled_quantity, m.hashrate_ths
         FROM tranche t JOIN product_model m ON m.id = t.product_model_id
        WHERE t.purchase_order_id = ANY($1::uuid[]) ORDER BY t.sequence`,
      [ids],
    )) as (TrancheView & { purchase_order_id: string })[];
    const byOrder = new Map(orders.map((o) => [o.id, o]));
    return ids
      .filter((id) => byOrder.has(id))
      .map((id) =>
        toPurchaseOrderDto(
          byOrder.get(id)!,
          lines.filter((l) => l.purchase_order_id === id),
          tranches.filter((t) => t.purchase_order_id === id),
        ),
      );
  }
}
