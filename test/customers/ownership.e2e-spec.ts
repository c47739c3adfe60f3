import {
  createActivity,
  createCustomer,
  createOpportunity,
  unique,
} from '../support/crm-factories';
import { createUser, signedIn } from '../support/people';
import { createTestApp, TestApp } from '../support/test-app';

const api = (path: string) => `/api/v1${path}`;
const NOBODY = '00000000-0000-4000-8000-000000000000';

describe('owners and assignees', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const get = (path: string, auth: { key?: string; cookie?: string } = {}) => {
    const req = t.http().get(api(path));
    if (auth.cookie) return req.set('Cookie', auth.cookie);
    return req.set('X-API-Key', auth.key ?? t.adminKey);
  };
  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

  it('gives customers an owner: set by id, defaulted to the person creating, changed and cleared', async () => {
    const owner = await createUser(t, 'sales');
    const byKey = await createCustomer(t, { ownerId: owner.id, accountOwner: 'Imported Name' });
    expect(byKey).toMatchObject({ ownerId: owner.id, accountOwner: 'Imported Name' });
    // An API key is nobody: without ownerId the customer has no owner.
    expect((await createCustomer(t)).ownerId).toBeNull();

    const other = await createUser(t, 'sales');
    const moved = await t
      .http()
      .patch(api(`/customers/${byKey.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ ownerId: other.id })
      .expect(200);
    expect(moved.body).toMatchObject({ ownerId: other.id, version: 2 });
    const cleared = await t
      .http()
      .patch(api(`/customers/${byKey.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ ownerId: null })
      .expect(200);
    expect(cleared.body.ownerId).toBeNull();
  });

  it('refuses an unknown owner with 422 REFERENCE_NOT_FOUND and a malformed one with 400', async () => {
    const unknown = await t
      .http()
      .post(api('/customers'))
      .set('X-API-Key', t.adminKey)
      .send({ name: unique('Orphan'), segment: 'public_miner', country: 'US', ownerId: NOBODY })
      .expect(422);
    expect(unknown.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'ownerId', message: expect.stringContaining(NOBODY) }],
    });
    const customer = await createCustomer(t);
    const patched = await t
      .http()
      .patch(api(`/customers/${customer.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ ownerId: NOBODY })
      .expect(422);
    expect(patched.body.code).toBe('REFERENCE_NOT_FOUND');
    await t
      .http()
      .post(api('/customers'))
      .set('X-API-Key', t.adminKey)
      .send({ name: unique('Orphan'), segment: 'public_miner', country: 'US', ownerId: 'mei' })
      .expect(400);
    const opportunity = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({
        customerId: customer.id,
        productModelId: (await createOpportunity(t)).productModelId,
        quantity: 10,
        ownerId: NOBODY,
      })
      .expect(422);
    expect(opportunity.body.errors).toEqual([expect.objectContaining({ path: 'ownerId' })]);
    const activity = await t
      .http()
      .post(api(`/customers/${customer.id}/activities`))
      .set('X-API-Key', t.adminKey)
      .send({ type: 'task', subject: 'Call back', assigneeId: NOBODY })
      .expect(422);
    expect(activity.body.errors).toEqual([expect.objectContaining({ path: 'assigneeId' })]);
  });

  it('lists a person’s own customers and opportunities with ownerId=me, or anyone’s by id', async () => {
    const mei = await signedIn(t, 'sales');
    const jonas = await createUser(t, 'admin');
    const mine = await t
      .http()
      .post(api('/customers'))
      .set('Cookie', mei.cookie)
      .set('X-CSRF-Token', mei.csrfToken)
      .send({ name: unique('Mine'), segment: 'hosting_provider', country: 'CA' })
      .expect(201);
    expect(mine.body.ownerId).toBe(mei.user.id);
    const theirs = await createCustomer(t, { ownerId: jonas.id });
    await createCustomer(t);

    expect(ids(await get('/customers?ownerId=me&limit=500', mei).expect(200))).toEqual([
      mine.body.id,
    ]);
    expect(ids(await get(`/customers?ownerId=${jonas.id}`).expect(200))).toEqual([theirs.id]);
    expect(
      ids(
        await get(`/customers?ownerId=${jonas.id.toUpperCase()}&segment=public_miner`).expect(200),
      ),
    ).toEqual([theirs.id]);

    const deal = await t
      .http()
      .post(api('/opportunities'))
      .set('Cookie', mei.cookie)
      .set('X-CSRF-Token', mei.csrfToken)
      .send({
        customerId: mine.body.id,
        productModelId: (await createOpportunity(t)).productModelId,
        quantity: 500,
      })
      .expect(201);
    expect(deal.body.ownerId).toBe(mei.user.id);
    const given = await createOpportunity(t, { ownerId: jonas.id });
    expect(ids(await get('/opportunities?ownerId=me', mei).expect(200))).toEqual([deal.body.id]);
    expect(ids(await get(`/opportunities?ownerId=${jonas.id}`).expect(200))).toEqual([given.id]);
    const reassigned = await t
      .http()
      .patch(api(`/opportunities/${given.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ ownerId: mei.user.id })
      .expect(200);
    expect(reassigned.body.ownerId).toBe(mei.user.id);
    expect(ids(await get('/opportunities?ownerId=me', mei).expect(200))).toEqual([
      deal.body.id,
      given.id,
    ]);
  });

  it('lists a person’s open tasks with assigneeId=me&open=true', async () => {
    const kenji = await signedIn(t, 'sales');
    const customer = await createCustomer(t);
    const open = await t
      .http()
      .post(api(`/customers/${customer.id}/activities`))
      .set('Cookie', kenji.cookie)
      .set('X-CSRF-Token', kenji.csrfToken)
      .send({ type: 'task', subject: 'Send the revised quote', dueOn: '2030-01-10' })
      .expect(201);
    expect(open.body.assigneeId).toBe(kenji.user.id);
    await t
      .http()
      .post(api(`/customers/${customer.id}/activities`))
      .set('Cookie', kenji.cookie)
      .set('X-CSRF-Token', kenji.csrfToken)
      .send({
        type: 'task',
        subject: 'Done already',
        dueOn: '2030-01-05',
        completedAt: '2029-12-30T10:00:00Z',
      })
      .expect(201);
    // Someone else's task, and one of nobody's.
    const colleague = await createUser(t, 'finance');
    await createActivity(t, customer.id, {
      type: 'task',
      subject: 'Chase',
      assigneeId: colleague.id,
    });
    await createActivity(t, customer.id, { type: 'task', subject: 'Unassigned' });

    expect(ids(await get('/activities?assigneeId=me&open=true', kenji).expect(200))).toEqual([
      open.body.id,
    ]);
    expect(
      ids(await get('/activities?assigneeId=me&open=true&dueBefore=2030-01-01', kenji).expect(200)),
    ).toEqual([]);
    expect(
      (await get(`/activities?assigneeId=${colleague.id}`).expect(200)).body.items.map(
        (a: { subject: string }) => a.subject,
      ),
    ).toEqual(['Chase']);
    const handedOver = await t
      .http()
      .patch(api(`/activities/${open.body.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ assigneeId: colleague.id })
      .expect(200);
    expect(handedOver.body.assigneeId).toBe(colleague.id);
    expect(ids(await get('/activities?assigneeId=me&open=true', kenji).expect(200))).toEqual([]);
  });

  it('answers ownerId=me with an API key with 400, and an unknown user id with 422', async () => {
    for (const path of [
      '/customers?ownerId=me',
      '/opportunities?ownerId=me',
      '/activities?assigneeId=me&open=true',
    ]) {
      const res = await get(path).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors[0].message).toMatch(/API key/);
    }
    const unknown = await get(`/customers?ownerId=${NOBODY}`).expect(422);
    expect(unknown.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'ownerId', message: expect.any(String) }],
    });
    await get(`/activities?assigneeId=${NOBODY}`).expect(422);
    await get('/opportunities?ownerId=someone').expect(400);
  });
});
