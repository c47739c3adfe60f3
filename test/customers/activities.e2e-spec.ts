import { createActivity, createCustomer } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('activities', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;
  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((a) => a.id);

  it('records an activity, occurredAt defaulting to now, and lists the customer activities', async () => {
    const customer = await createCustomer(t);
    const before = Date.now();
    const call = await t
      .http()
      .post(api(`/customers/${customer.id}/activities`))
      .set('X-API-Key', t.adminKey)
      .send({ type: 'call', subject: 'Intro call', body: 'Interested in 6,000 A1246' })
      .expect(201);
    expect(call.body).toMatchObject({
      customerId: customer.id,
      type: 'call',
      dueOn: null,
      completedAt: null,
      version: 1,
    });
    const occurred = Date.parse(call.body.occurredAt);
    expect(occurred).toBeGreaterThanOrEqual(before - 1000);
    expect(occurred).toBeLessThanOrEqual(Date.now() + 1000);

    const meeting = await createActivity(t, customer.id, {
      type: 'meeting',
      occurredAt: '2024-05-01T12:00:00+02:00',
    });
    expect(meeting.occurredAt).toBe('2024-05-01T10:00:00.000Z');
    await createActivity(t, (await createCustomer(t)).id);

    const list = await t
      .http()
      .get(api(`/customers/${customer.id}/activities?limit=1`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(ids(list)).toEqual([call.body.id]);
    const next = await t
      .http()
      .get(api(`/customers/${customer.id}/activities?limit=1&cursor=${list.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(next.body).toEqual({ items: [meeting], nextCursor: null });
  });

  it('validates types, instants and dates with paths; unknown customer 404', async () => {
    const customer = await createCustomer(t);
    const res = await t
      .http()
      .post(api(`/customers/${customer.id}/activities`))
      .set('X-API-Key', t.adminKey)
      .send({
        type: 'lunch',
        subject: '',
        occurredAt: '2024-05-01T10:00:00',
        dueOn: '2024-02-30',
        completedAt: '2024-05-01',
      })
      .expect(400);
    expect([...new Set(res.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      'completedAt',
      'dueOn',
      'occurredAt',
      'subject',
      'type',
    ]);
    await t
      .http()
      .post(api('/customers/00000000-0000-4000-8000-000000000000/activities'))
      .set('X-API-Key', t.adminKey)
      .send({ type: 'note', subject: 'x' })
      .expect(404);
    await t
      .http()
      .get(api('/customers/00000000-0000-4000-8000-000000000000/activities'))
      .set('X-API-Key', t.adminKey)
      .expect(404);
    await t
      .http()
      .get(api('/activities?dueBefore=2030-13-01'))
      .set('X-API-Key', t.adminKey)
      .expect(400);
    await t.http().get(api('/activities?open=yes')).set('X-API-Key', t.adminKey).expect(400);
  });

  it('lists open tasks across customers due by a date, and completing one takes it off', async () => {
    const [a, b] = [await createCustomer(t), await createCustomer(t)];
    const dueEarly = await createActivity(t, a.id, {
      type: 'task',
      subject: 'Send proposal',
      dueOn: '2091-01-05',
    });
    const dueOnDate = await createActivity(t, b.id, {
      type: 'task',
      subject: 'Call back',
      dueOn: '2091-01-10',
    });
    const dueLater = await createActivity(t, a.id, {
      type: 'task',
      subject: 'Follow up',
      dueOn: '2091-01-11',
    });
    const done = await createActivity(t, b.id, {
      type: 'task',
      subject: 'Done',
      dueOn: '2091-01-01',
      completedAt: '2091-01-01T09:00:00Z',
    });
    const undated = await createActivity(t, a.id, { type: 'task', subject: 'Someday' });
    const notATask = await createActivity(t, b.id, {
      type: 'meeting',
      subject: 'Site visit',
      dueOn: '2091-01-02',
    });
    const ours = new Set([
      dueEarly.id,
      dueOnDate.id,
      dueLater.id,
      done.id,
      undated.id,
      notATask.id,
    ]);
    const openBy = async (query: string) => {
      const res = await t
        .http()
        .get(api(`/activities?${query}`))
        .set('X-API-Key', t.adminKey)
        .expect(200);
      return ids(res).filter((id) => ours.has(id));
    };

    expect(await openBy('open=true&dueBefore=2091-01-10')).toEqual([dueEarly.id, dueOnDate.id]);
    expect(await openBy('open=true&limit=500')).toEqual([
      dueEarly.id,
      dueOnDate.id,
      dueLater.id,
      undated.id,
    ]);
    expect(await openBy('open=false&limit=500')).toEqual([done.id]);

    const completed = await t
      .http()
      .patch(api(`/activities/${dueEarly.id}`))
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ completedAt: '2091-01-04T16:00:00Z' })
      .expect(200);
    expect(completed.body).toMatchObject({ completedAt: '2091-01-04T16:00:00.000Z', version: 2 });
    expect(await openBy('open=true&dueBefore=2091-01-10')).toEqual([dueOnDate.id]);

    await t
      .http()
      .patch(api(`/activities/${dueEarly.id}`))
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ completedAt: null })
      .expect(412);
    await t
      .http()
      .patch(api(`/activities/${dueEarly.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ completedAt: null })
      .expect(200);
    expect(await openBy('open=true&dueBefore=2091-01-10')).toEqual([dueEarly.id, dueOnDate.id]);
  });

  it('pages the open-task list', async () => {
    const customer = await createCustomer(t);
    for (let i = 0; i < 3; i++)
      await createActivity(t, customer.id, { type: 'task', subject: `T${i}`, dueOn: '2092-06-01' });
    const query = `open=true&customerId=${customer.id}&dueBefore=2092-06-01&limit=2`;
    const page1 = await t
      .http()
      .get(api(`/activities?${query}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page1.body.items.map((a: { subject: string }) => a.subject)).toEqual(['T0', 'T1']);
    const page2 = await t
      .http()
      .get(api(`/activities?${query}&cursor=${page1.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page2.body.items.map((a: { subject: string }) => a.subject)).toEqual(['T2']);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('updates only the fields given and answers 404 for an unknown activity', async () => {
    const customer = await createCustomer(t);
    const note = await createActivity(t, customer.id, {
      type: 'note',
      subject: 'Old',
      body: 'text',
    });
    const res = await t
      .http()
      .patch(api(`/activities/${note.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ subject: 'New' })
      .expect(200);
    expect(res.body).toMatchObject({ subject: 'New', body: 'text', type: 'note', version: 2 });
    await t
      .http()
      .patch(api(`/activities/${note.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ subject: null })
      .expect(400);
    await t
      .http()
      .patch(api('/activities/00000000-0000-4000-8000-000000000000'))
      .set('X-API-Key', t.adminKey)
      .send({ subject: 'x' })
      .expect(404);
  });

  it('lets sales write activities; erp and viewer only read; audits with the key', async () => {
    const customer = await createCustomer(t);
    const [sales, erp, viewer] = await Promise.all(
      ['sales', 'erp', 'viewer'].map((r) => t.keyFor(r as never)),
    );
    const task = await createActivity(t, customer.id, { type: 'task', subject: 'Chase PO' }, sales);
    await t
      .http()
      .patch(api(`/activities/${task.id}`))
      .set('X-API-Key', sales)
      .send({ completedAt: '2024-01-01T00:00:00Z' })
      .expect(200);
    for (const key of [erp, viewer]) {
      await t
        .http()
        .post(api(`/customers/${customer.id}/activities`))
        .set('X-API-Key', key)
        .send({ type: 'note', subject: 'No' })
        .expect(403);
      await t
        .http()
        .patch(api(`/activities/${task.id}`))
        .set('X-API-Key', key)
        .send({ subject: 'No' })
        .expect(403);
      await t.http().get(api('/activities?open=true')).set('X-API-Key', key).expect(200);
      await t
        .http()
        .get(api(`/customers/${customer.id}/activities`))
        .set('X-API-Key', key)
        .expect(200);
    }
    const audit = await t.sql<{ action: string; actor_role: string }>(
      'SELECT action, actor_role FROM audit_log WHERE entity_id = $1 ORDER BY id',
      [task.id],
    );
    expect(audit).toEqual([
      { action: 'created', actor_role: 'sales' },
      { action: 'updated', actor_role: 'sales' },
    ]);
  });
});
