import type { QueryClient } from '@tanstack/react-query';
import { ordersList, customersList, opportunitiesList } from './common/lists';
import { backlogByShipMonth, contractBalances } from './dashboard/queries';
import { today } from './format';

/**
 * On the first load, the data of the page being opened is requested at once, beside the session
 * check and the page's code, instead of after them. A request without a session fails and is
 * forgotten; the page then goes to sign-in as usual.
 */
export function prefetchFirstPage(client: QueryClient): void {
  const { pathname, search } = window.location;
  const params = new URLSearchParams(search);
  const [, area = '', id] = pathname.split('/');
  const list = (q: {
    queryKey: unknown[];
    fetchPage: (cursor: string | undefined) => Promise<{ nextCursor: string | null }>;
  }) =>
    void client.prefetchInfiniteQuery({
      queryKey: q.queryKey,
      queryFn: ({ pageParam }) => q.fetchPage(pageParam as string | undefined),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor ?? undefined,
    });
  if ((area === 'dashboard' || area === '') && !id) {
    const asOf = params.get('asOf') ?? today();
    void client.prefetchQuery(backlogByShipMonth(asOf));
    void client.prefetchQuery(contractBalances(asOf));
  } else if (area === 'orders' && !id && params.size === 0) {
    list(ordersList({}));
  } else if (area === 'customers' && !id && params.size === 0) {
    list(customersList({}));
  } else if (area === 'pipeline' && params.size === 0) {
    list(opportunitiesList({}));
  }
}
