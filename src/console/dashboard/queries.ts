import { api, call } from '../api/client';

/** The two reports behind the dashboard's five figures. */
export const backlogByShipMonth = (asOf: string) => ({
  queryKey: ['/api/v1/reports/backlog', { asOf, groupBy: 'shipMonth' }],
  queryFn: () =>
    call(api.GET('/api/v1/reports/backlog', { params: { query: { asOf, groupBy: 'shipMonth' } } })),
});

export const contractBalances = (asOf: string) => ({
  queryKey: ['/api/v1/reports/contract-balances', { asOf }],
  queryFn: () =>
    call(api.GET('/api/v1/reports/contract-balances', { params: { query: { asOf } } })),
});
