import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  ReferenceNotFoundError,
  UnprocessableError,
  ValidationFailedError,
} from '../common/errors';
import { assertIfMatch } from '../common/if-match';
import { formatMoney, parseMoney } from '../common/money';
import { Page, PageQueryDto } from '../common/pagination';
import { CustomerService } from '../customers/customer.service';
import { OpportunityService } from '../customers/opportunities/opportunity.service';
import { mulDivHalfUp } from './billing-schedule';
import { AmendmentChange, TermsSnapshot } from './book.types';
import { businessDate, effectiveOn, OrderChangeService } from './order-change.service';
import { OptionExercise } from './option-exercise.entity';
import { assertTransition, orderRecords } from './order-status';
import {
  AmendmentDto,
  AmendmentInput,
  CancelPurchaseOrderDto,
  ExerciseOptionDto,
  InstalmentDto,
  OrderLineInputDto,
  PurchaseOrderDto,
  PurchaseOrderQueryDto,
  UpdatePurchaseOrderDto,
} from './purchase-order.dto';
import { PurchaseOrder } from './purchase-order.entity';
import { toAmendmentDto, toInstalmentDto, toPurchaseOrderDto } from './purchase-order.mapper';
import {
  ExternalRefKind,
  ModelFacts,
  NewLine,
  NewTranche,
  openQuantity,
  PurchaseOrderRepository,
} from './purchase-order.repository';

/** An order as an import names it, with its tranche ids by sequence. */
export interface NamedOrder {
  id: string;
  number: string;
  externalRef: string | null;
  trancheIds: Map<number, string>;
}

export interface NamedOrders {
  byExternalRef: Map<string, NamedOrder>;
  byNumber: Map<string, NamedOrder>;
}

/** What a draft is made of. */
export interface DraftInput {
  customerId: string;
  signedOn: string;
  paymentTermsCode?: string | null;
  customerReference?: string | null;
  externalRef?: string | null;
  hashrateTolerancePercent?: number;
  lines: OrderLineInputDto[];
}

/** A line's TH/s per unit in hundredths, exact (the catalogue keeps two decimals). */
const hundredths = (ths: number) => Math.round(ths * 100);

/** SPEC §15: pricePerThs × the model's TH/s, half up to the cent. */
export function unitPriceFromPerThs(pricePerThsCents: number, unitHashrateThs: number): number {
  return mulDivHalfUp(pricePerThsCents, hundredths(unitHashrateThs), 100);
}

/**
 * Lines numbered 1…n and tranches numbered 1…m across the order, prices resolved (a tranche's own,
 * else its line's, else the one its price per TH/s gives, else the model's list price), ids made
 * here. A per-TH line keeps the model's TH/s it was priced at.
 */
function planLines(
  lines: OrderLineInputDto[],
  models: Map<string, ModelFacts>,
): { lines: NewLine[]; tranches: NewTranche[] } {
  const planned = lines.map((line, index) => {
    const model = models.get(line.productModelId)!;
    const perThs = line.pricePerThs ? parseMoney(line.pricePerThs) : null;
    return {
      id: randomUUID(),
      lineNo: index + 1,
      productModelId: line.productModelId,
      unitPriceCents:
        perThs !== null
          ? unitPriceFromPerThs(perThs, model.hashrate_ths)
          : line.unitPrice
            ? parseMoney(line.unitPrice)
            : model.list_price_cents,
      pricePerThsCents: perThs,
      unitHashrateThs: perThs !== null ? hundredths(model.hashrate_ths) / 100 : null,
    };
  });
  let sequence = 1;
  const tranches = lines.flatMap((line, index) =>
    line.tranches.map((tranche) => ({
      id: randomUUID(),
      lineId: planned[index].id,
      productModelId: line.productModelId,
      sequence: sequence++,
      shipDate: tranche.shipDate,
      unitPriceCents: tranche.unitPrice
        ? parseMoney(tranche.unitPrice)
        : planned[index].unitPriceCents,
      // An option tranche starts with no firm units: its units are options until exercised.
      ...(tranche.optionExerciseBy
        ? {
            quantity: 0,
            optionQuantity: tranche.quantity,
            optionExerciseBy: tranche.optionExerciseBy,
          }
        : { quantity: tranche.quantity }),
    })),
  );
  return { lines: planned, tranches };
}

/** An option tranche's exercise-by date is on or after the signing date (else 422 DATE_OUT_OF_RANGE). */
function assertOptionDates(signedOn: string, lines: OrderLineInputDto[]): void {
  lines.forEach((line, l) =>
    line.tranches.forEach((tranche, t) => {
      if (tranche.optionExerciseBy && tranche.optionExerciseBy < signedOn) {
        throw new UnprocessableError(
          'DATE_OUT_OF_RANGE',
          `optionExerciseBy ${tranche.optionExerciseBy} is before the signing date ${signedOn}`,
          [
            {
              path: `lines[${l}].tranches[${t}].optionExerciseBy`,
              message: 'must not be before signedOn',
            },
          ],
        );
      }
    }),
  );
}

/**
 * A line's model may be put on a draft: it exists (else 422 REFERENCE_NOT_FOUND) and is not end of
 * life (else 422 PRODUCT_MODEL_NOT_ORDERABLE).
 */
function assertOrderable(model: ModelFacts | undefined, id: string, path: string): void {
  if (!model) throw new ReferenceNotFoundError(path, 'Product model', id);
  if (model.status === 'end_of_life') {
    throw new UnprocessableError(
      'PRODUCT_MODEL_NOT_ORDERABLE',
      `Product model ${id} is end of life and cannot be put on a new order`,
      [{ path, message: 'is end of life' }],
    );
  }
}

/** Drafts, confirmation, amendments and cancellation of purchase orders, and their reads. */
@Injectable()
export class PurchaseOrderService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderRepository,
    private readonly changes: OrderChangeService,
    private readonly audit: AuditService,
    private readonly customers: CustomerService,
    private readonly opportunities: OpportunityService,
    private readonly clock: Clock,
  ) {}

  /** Books a draft order. */
  create(body: DraftInput): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction((tx) => this.insertDraft(tx, body));
  }

  /**
   * Books a draft in the caller's transaction (also used by conversion and imports): its references
   * checked, the order, its lines and tranches written, and its creation recorded.
   */
  async insertDraft(
    tx: EntityManager,
    input: DraftInput,
    opportunityId: string | null = null,
  ): Promise<PurchaseOrderDto> {
    const models = await this.checkReferences(tx, input);
    assertOptionDates(input.signedOn, input.lines);
    const { lines, tranches } = planLines(input.lines, models);
    const draft = {
      id: randomUUID(),
      customerId: input.customerId,
      signedOn: input.signedOn,
      paymentTermsCode: input.paymentTermsCode ?? null,
      customerReference: input.customerReference ?? null,
      externalRef: input.externalRef ?? null,
      opportunityId,
      hashrateTolerancePercent: input.hashrateTolerancePercent ?? 0,
    };
    const created = await this.orders.insertDraft(tx, draft, lines, tranches);
    const order = Object.assign(new PurchaseOrder(), {
      ...draft,
      number: created.number,
      terms: null,
      status: 'draft' as const,
      version: 1,
      unappliedCents: 0,
      createdAt: created.created_at,
      updatedAt: created.created_at,
      confirmedAt: null,
    });
    const dto = toPurchaseOrderDto({
      order,
      lines: lines.map((l) => ({
        id: l.id,
        product_model_id: l.productModelId,
        unit_price_cents: l.unitPriceCents,
        price_per_ths_cents: l.pricePerThsCents,
        unit_hashrate_ths: l.unitHashrateThs,
      })),
      tranches: tranches.map((t) => ({
        id: t.id,
        line_id: t.lineId,
        sequence: t.sequence,
        ship_date: t.shipDate,
        quantity: t.quantity,
        unit_price_cents: t.unitPriceCents,
        shipped_quantity: 0,
        cancelled_quantity: 0,
        shipped_value_cents: 0,
        hashrate_ths: models.get(t.productModelId)!.hashrate_ths,
        // As a read says it: none once the exercise-by date has passed.
        option_quantity:
          t.optionExerciseBy && t.optionExerciseBy >= this.clock.today()
            ? (t.optionQuantity ?? 0)
            : 0,
        exercised_quantity: 0,
        option_exercise_by: t.optionExerciseBy ?? null,
      })),
    });
    await this.audit.record(tx, {
      entityType: 'purchase_order',
      entityId: order.id,
      action: 'created',
      after: dto,
    });
    return dto;
  }

  /**
   * The references a draft names, in the order a draft with several wrong ones reports them: the
   * customer, the payment terms, then each line's model, which must be orderable. They stay as
   * they are until the transaction ends. Returns the lines' models.
   */
  private async checkReferences(
    tx: EntityManager,
    refs: { customerId?: string; paymentTermsCode?: string | null; lines?: OrderLineInputDto[] },
  ): Promise<Map<string, ModelFacts>> {
    const lines = refs.lines ?? [];
    const found = await this.orders.draftReferences(tx, {
      customerId: refs.customerId ?? null,
      paymentTermsCode: refs.paymentTermsCode ?? null,
      productModelIds: [...new Set(lines.map((l) => l.productModelId))],
    });
    if (!found.customer_found)
      throw new ReferenceNotFoundError('customerId', 'Customer', refs.customerId!);
    if (!found.terms_found)
      throw new ReferenceNotFoundError('paymentTermsCode', 'Payment terms', refs.paymentTermsCode!);
    const models = new Map(found.models.map((m) => [m.id, m]));
    lines.forEach(({ productModelId: id }, index) =>
      assertOrderable(models.get(id), id, `lines[${index}].productModelId`),
    );
    return models;
  }

  private async findTerms(tx: EntityManager, code: string) {
    const terms = await this.orders.findTerms(tx, code);
    if (!terms) throw new ReferenceNotFoundError('paymentTermsCode', 'Payment terms', code);
    return terms;
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
          signedOn: signedOn ?? this.clock.today(),
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
      return order;
    });
  }

  /**
   * For imports that name orders by externalRef or number: each name's order, and the order's
   * tranche ids by sequence.
   */
  async named(
    db: EntityManager,
    names: { externalRefs: string[]; numbers: string[] },
  ): Promise<NamedOrders> {
    const rows = await this.orders.ordersNamed(db, names.externalRefs, names.numbers);
    const tranches = await this.orders.tranchesOf(
      db,
      rows.map((r) => r.id),
    );
    const found = rows.map((r) => ({
      id: r.id,
      number: r.number,
      externalRef: r.external_ref,
      trancheIds: new Map(
        tranches.filter((t) => t.purchase_order_id === r.id).map((t) => [t.sequence, t.id]),
      ),
    }));
    return {
      byExternalRef: new Map(found.filter((o) => o.externalRef).map((o) => [o.externalRef!, o])),
      byNumber: new Map(found.map((o) => [o.number, o])),
    };
  }

  /** The externalRefs among `refs` that payments, shipments or refunds already hold, with their ids. */
  externalRefsHeld(
    db: EntityManager,
    kind: ExternalRefKind,
    refs: string[],
  ): Promise<Map<string, string>> {
    return this.orders.externalRefHolders(db, kind, refs);
  }

  async get(id: string): Promise<PurchaseOrderDto> {
    return toPurchaseOrderDto(await this.orders.get(this.dataSource.manager, id));
  }

  async getByExternalRef(ref: string): Promise<PurchaseOrderDto> {
    return toPurchaseOrderDto(await this.orders.getByExternalRef(this.dataSource.manager, ref));
  }

  async list(query: PurchaseOrderQueryDto): Promise<Page<PurchaseOrderDto>> {
    const page = await this.orders.page(this.dataSource.manager, query);
    return { items: page.items.map(toPurchaseOrderDto), nextCursor: page.nextCursor };
  }

  /** Edits a draft; its references are checked as a new draft's are. */
  update(id: string, body: UpdatePurchaseOrderDto, ifMatch?: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.orders.lock(tx, id);
      assertIfMatch(ifMatch, order.version);
      assertTransition('edit', order.status);
      const before = toPurchaseOrderDto(await this.orders.get(tx, id));
      const models = await this.checkReferences(tx, body);
      const pick = <K extends keyof UpdatePurchaseOrderDto & keyof PurchaseOrder>(key: K) =>
        body[key] !== undefined ? body[key] : order[key];
      const customerId = body.customerId ?? order.customerId;
      await this.orders.updateDraft(tx, id, {
        customerId,
        signedOn: pick('signedOn')!,
        paymentTermsCode: pick('paymentTermsCode') ?? null,
        customerReference: pick('customerReference') ?? null,
        externalRef: pick('externalRef') ?? null,
        hashrateTolerancePercent: pick('hashrateTolerancePercent')!,
      });
      if (body.lines) {
        assertOptionDates(pick('signedOn')!, body.lines);
        const { lines, tranches } = planLines(body.lines, models);
        await this.orders.replaceLines(tx, id, customerId, lines, tranches);
      } else if (body.customerId) {
        await this.orders.moveTranches(tx, id, customerId);
      }
      const after = toPurchaseOrderDto(await this.orders.get(tx, id));
      await this.audit.recordMany(
        tx,
        orderRecords('edit', order.status, order.status).map((record) => ({
          entityType: 'purchase_order',
          entityId: id,
          before,
          after,
          ...record,
        })),
      );
      return after;
    });
  }

  confirm(id: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction((tx) => this.confirmIn(tx, id));
  }

  /**
   * Confirms a draft in the caller's transaction (also used by imports): copies its payment terms
   * (the customer's default when it names none) and books it.
   */
  async confirmIn(tx: EntityManager, id: string): Promise<PurchaseOrderDto> {
    const { order } = await this.changes.change(tx, id, 'confirm', {}, async (draft) => {
      const code =
        draft.paymentTermsCode ??
        (await this.customers.getForOrder(tx, draft.customerId, 'customerId'))
          .defaultPaymentTermsCode;
      const terms = code ? await this.findTerms(tx, code) : null;
      const snapshot: TermsSnapshot | null = terms && {
        code: terms.code,
        depositPercent: terms.depositPercent,
        depositDueDays: terms.depositDueDays,
        milestones: terms.milestones,
      };
      return {
        result: undefined,
        touches: 'all',
        confirmed: { terms: snapshot, paymentTermsCode: code ?? null },
      };
    });
    return order;
  }

  /**
   * Deletes a draft (anything past draft: 409 INVALID_STATE). An opportunity converted into it
   * goes back to negotiation and may be converted again; the audit log keeps the draft as it was.
   */
  delete(id: string): Promise<void> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.orders.lock(tx, id);
      assertTransition('delete', order.status);
      const before = toPurchaseOrderDto(await this.orders.get(tx, id));
      await this.orders.deleteDraft(tx, id);
      await this.audit.recordMany(
        tx,
        orderRecords('delete', order.status, order.status).map((record) => ({
          entityType: 'purchase_order',
          entityId: id,
          before,
          after: null,
          ...record,
        })),
      );
      if (order.opportunityId) await this.opportunities.reopen(tx, order.opportunityId, id);
    });
  }

  /** Reschedules, resizes, cancels, reprices or adds tranches from `effectiveOn`. */
  amend(id: string, body: AmendmentInput, ifMatch?: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const { order } = await this.changes.change(
        tx,
        id,
        'amend',
        { ifMatch, dated: effectiveOn(body.effectiveOn) },
        async (current) => {
          const amendmentId = randomUUID();
          const changes = await this.bookChanges(tx, current, body);
          await this.orders.insertAmendment(tx, {
            id: amendmentId,
            purchaseOrderId: id,
            kind: 'amendment',
            effectiveOn: body.effectiveOn,
            reason: body.reason,
            changes: changes.book,
          });
          await this.orders.insertAddedTranches(tx, current, amendmentId, changes.added);
          return { result: undefined, touches: changes.book.map((c) => c.trancheId) };
        },
      );
      return order;
    });
  }

  /**
   * The amendment's changes as the book replays them, checked against the order's lines and
   * tranches; the tranches it adds get their ids and sequence numbers here.
   */
  private async bookChanges(
    tx: EntityManager,
    order: PurchaseOrder,
    body: AmendmentInput,
  ): Promise<{ book: AmendmentChange[]; added: NewTranche[] }> {
    const tranches = await this.orders.tranchesOf(tx, [order.id]);
    const lines = new Map((await this.orders.linesOf(tx, [order.id])).map((l) => [l.id, l]));
    const byId = new Map(tranches.map((t) => [t.id, t]));
    let sequence = Math.max(0, ...tranches.map((t) => t.sequence)) + 1;
    const added: NewTranche[] = [];
    const book = body.changes.map((change, index): AmendmentChange => {
      if (change.kind === 'add_tranche') {
        const line = lines.get(change.lineId);
        if (!line)
          throw new ReferenceNotFoundError(`changes[${index}].lineId`, 'Order line', change.lineId);
        if (line.price_per_ths_cents !== null && change.unitPriceCents !== null) {
          const path = `changes[${index}].unitPrice`;
          throw new ValidationFailedError(
            `${path}: a tranche of a line priced per TH/s carries no price of its own`,
            [{ path, message: 'must not be given on a line priced per TH/s' }],
          );
        }
        const tranche: NewTranche = {
          id: randomUUID(),
          lineId: line.id,
          productModelId: line.product_model_id,
          sequence: sequence++,
          shipDate: change.shipDate,
          quantity: change.quantity,
          unitPriceCents: change.unitPriceCents ?? line.unit_price_cents,
        };
        added.push(tranche);
        const { id: trancheId, shipDate, quantity, unitPriceCents } = tranche;
        return {
          type: 'add_tranche',
          trancheId,
          sequence: tranche.sequence,
          shipDate,
          quantity,
          unitPriceCents,
        };
      }
      const tranche = byId.get(change.trancheId);
      if (!tranche) {
        throw new ReferenceNotFoundError(
          `changes[${index}].trancheId`,
          'Tranche of this order',
          change.trancheId,
        );
      }
      switch (change.kind) {
        case 'reschedule':
          return { type: 'reschedule', trancheId: tranche.id, shipDate: change.shipDate };
        case 'set_quantity':
          if (change.quantity < tranche.shipped_quantity) {
            throw new ConflictError(
              'QUANTITY_BELOW_SHIPPED',
              `changes[${index}].quantity ${change.quantity} is below the ${tranche.shipped_quantity} units already shipped`,
            );
          }
          return { type: 'set_quantity', trancheId: tranche.id, quantity: change.quantity };
        case 'cancel':
        case 'price_change':
          if (
            change.kind === 'price_change' &&
            lines.get(tranche.line_id)!.price_per_ths_cents !== null
          ) {
            throw new UnprocessableError(
              'PRICED_PER_THS',
              `changes[${index}]: tranche ${tranche.sequence} is on a line priced per TH/s; its unit price follows the price per TH/s`,
              [
                {
                  path: `changes[${index}].unitPrice`,
                  message: 'cannot change on a line priced per TH/s',
                },
              ],
            );
          }
          // Cancelling a tranche also ends its options: with options left it is never nothing.
          if (
            openQuantity(tranche) === 0 &&
            (change.kind === 'price_change' || tranche.option_units === 0)
          ) {
            throw new ConflictError(
              'NOTHING_OPEN',
              `changes[${index}]: tranche ${tranche.sequence} has no open units to ${change.kind === 'cancel' ? 'cancel' : 'reprice'}`,
            );
          }
          return change.kind === 'cancel'
            ? { type: 'cancel', trancheId: tranche.id }
            : {
                type: 'price_change',
                trancheId: tranche.id,
                unitPriceCents: change.unitPriceCents,
              };
      }
    });
    return { book, added };
  }

  /**
   * Makes option units of a tranche firm from `exercisedOn`: billed as units added by an amendment.
   * A tranche without options: 409 INVALID_STATE; past its exercise-by date: 409 OPTION_LAPSED;
   * more than remain as of any date from then on: 409 OPTION_EXCEEDED (from the replay).
   */
  exercise(id: string, trancheId: string, body: ExerciseOptionDto): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const dated = businessDate(body.exercisedOn, 'exercisedOn');
      const { order } = await this.changes.change(
        tx,
        id,
        'exercise',
        { dated },
        async (current) => {
          const tranche = (await this.orders.tranchesOf(tx, [id])).find((t) => t.id === trancheId);
          if (!tranche) throw new NotFoundError('Tranche of this order', trancheId);
          if (tranche.option_exercise_by === null) {
            throw new InvalidStateError(`Tranche ${tranche.sequence} has no option units`);
          }
          if (body.exercisedOn > tranche.option_exercise_by) {
            throw new ConflictError(
              'OPTION_LAPSED',
              `The options of tranche ${tranche.sequence} lapsed at the end of ${tranche.option_exercise_by}`,
            );
          }
          await this.orders.insert(tx, OptionExercise, {
            purchaseOrderId: id,
            customerId: current.customerId,
            trancheId,
            exercisedOn: body.exercisedOn,
            quantity: body.quantity,
          });
          return { result: undefined, touches: [trancheId] };
        },
      );
      return order;
    });
  }

  /** Cancels every open unit from `effectiveOn`. */
  cancel(id: string, body: CancelPurchaseOrderDto, ifMatch?: string): Promise<PurchaseOrderDto> {
    return this.dataSource.transaction(async (tx) => {
      const dated = effectiveOn(body.effectiveOn);
      const checks = { ifMatch, dated };
      const { order } = await this.changes.change(tx, id, 'cancel', checks, async () => {
        // Cancelling the order also ends the options it still has.
        const open = (await this.orders.tranchesOf(tx, [id])).filter(
          (t) => openQuantity(t) > 0 || t.option_units > 0,
        );
        await this.orders.insertAmendment(tx, {
          id: randomUUID(),
          purchaseOrderId: id,
          kind: 'cancellation',
          effectiveOn: body.effectiveOn,
          reason: body.reason,
          changes: open.map((t) => ({ type: 'cancel', trancheId: t.id })),
        });
        return { result: undefined, touches: open.map((t) => t.id) };
      });
      return order;
    });
  }

  async amendments(id: string, query: PageQueryDto): Promise<Page<AmendmentDto>> {
    await this.orders.assertExists(this.dataSource.manager, id);
    const page = await this.orders.amendmentPage(this.dataSource.manager, id, query);
    return { items: page.items.map(toAmendmentDto), nextCursor: page.nextCursor };
  }

  /** The instalments: deposit and milestones, with what is paid and voided, by due date. */
  async billingSchedule(id: string, query: PageQueryDto): Promise<Page<InstalmentDto>> {
    await this.orders.assertExists(this.dataSource.manager, id);
    const page = await this.orders.instalmentPage(this.dataSource.manager, id, query);
    return { items: page.items.map(toInstalmentDto), nextCursor: page.nextCursor };
  }
}
