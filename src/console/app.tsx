import { lazy, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { useSession } from './api/session';
import { PageLoader } from './common/page-loader';
import { CustomerPage } from './customers/customer-page';
import { CustomersPage } from './customers/customers-page';
import { DashboardPage } from './dashboard/dashboard-page';
import { Shell } from './layout/shell';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';
import { PipelinePage } from './pipeline/pipeline-page';
import { SignInPage } from './sign-in/sign-in-page';

// The daily pages are in the main bundle, so a list or the dashboard shows as soon as its data
// arrives; the pages with most code of their own (charts, reports, admin) load when opened.
const LOADERS = {
  'delivery-plan': () => import('./planning/delivery-plan-page'),
  reports: () => import('./reports/reports-page'),
  admin: () => import('./admin/admin-page'),
};

const page = <T extends Record<string, React.ComponentType>>(
  load: () => Promise<T>,
  name: keyof T,
) => lazy(async () => ({ default: (await load())[name] }));

const DeliveryPlanPage = page(LOADERS['delivery-plan'], 'DeliveryPlanPage');
const ReportsPage = page(LOADERS.reports, 'ReportsPage');
const AdminPage = page(LOADERS.admin, 'AdminPage');

// The code of a page opened directly is fetched while the session is checked, not after.
void LOADERS[window.location.pathname.split('/')[1] as keyof typeof LOADERS]?.();

/** Pages behind sign-in: without a session, to sign-in, and back here afterwards. */
function SignedIn({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <PageLoader />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return children;
}

function AdminOnly({ children }: { children: ReactNode }) {
  const { can } = useSession();
  return can('admin') ? children : <Navigate to="/dashboard" replace />;
}

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: (
      <SignedIn>
        <Shell />
      </SignedIn>
    ),
    children: [
      { index: true, element: <Navigate to="/dashboard" replace /> },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: 'customers', element: <CustomersPage /> },
      { path: 'customers/:id', element: <CustomerPage /> },
      { path: 'pipeline', element: <PipelinePage /> },
      { path: 'orders', element: <OrdersPage /> },
      { path: 'orders/:id', element: <OrderPage /> },
      { path: 'delivery-plan', element: <DeliveryPlanPage /> },
      { path: 'reports', element: <ReportsPage /> },
      { path: 'reports/:report', element: <ReportsPage /> },
      {
        path: 'admin',
        element: (
          <AdminOnly>
            <AdminPage />
          </AdminOnly>
        ),
      },
      { path: '*', element: <Navigate to="/dashboard" replace /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
