import type { ReactNode } from 'react';
import { useApprovalCount } from '../features/approvals/api';
import { Badge } from '../shared/ui';
import { useAuth } from './auth';
import { Link, navigate, useLocation } from './router';
import { lastClusterId } from './last-cluster';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
  active: (path: string) => boolean;
  count?: number | null;
}

const Icon = ({ d }: { d: string }) => (
  <svg
    viewBox="0 0 20 20"
    width="16"
    height="16"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.6"
    strokeLinecap="round"
    strokeLinejoin="round"
  >
    <path d={d} />
  </svg>
);

export function Layout({ children }: { children: ReactNode }) {
  const { me, can, signOut } = useAuth();
  const { path } = useLocation();
  const cluster = lastClusterId();
  const waiting = useApprovalCount(can('rollouts.approve'));
  const items: NavItem[] = [
    { to: '/', label: 'Overview', icon: <Icon d="M3 3h6v6H3zM11 3h6v4h-6zM11 9h6v8h-6zM3 11h6v6H3z" />, active: (p) => p === '/' },
    {
      to: '/clusters',
      label: 'Clusters',
      icon: <Icon d="M4 4h12v4H4zM4 12h12v4H4zM7 6h.01M7 14h.01" />,
      active: (p) => p === '/clusters' || /^\/clusters\/[^/]+$/.test(p),
    },
    {
      to: cluster ? `/clusters/${cluster}/map` : '/map',
      label: 'Dependency map',
      icon: (
        <Icon d="M5 5m-2 0a2 2 0 1 0 4 0a2 2 0 1 0-4 0M15 5m-2 0a2 2 0 1 0 4 0a2 2 0 1 0-4 0M10 15m-2 0a2 2 0 1 0 4 0a2 2 0 1 0-4 0M7 5h6M6 7l3 6M14 7l-3 6" />
      ),
      active: (p) => p.endsWith('/map'),
    },
    {
      to: cluster ? `/clusters/${cluster}/flow-imports` : '/flow-imports',
      label: 'Flow imports',
      icon: <Icon d="M10 3v10M6 9l4 4 4-4M4 16h12" />,
      active: (p) => p.endsWith('/flow-imports'),
    },
    {
      to: cluster ? `/clusters/${cluster}/plans` : '/plans',
      label: 'Plans',
      icon: <Icon d="M5 2h7l4 4v12H5zM12 2v4h4M8 10h5M8 13h5M8 16h3" />,
      active: (p) => p.endsWith('/plans') || p.startsWith('/plans/'),
    },
    { to: '/rollouts', label: 'Rollouts', icon: <Icon d="M3 10h4l2-5 3 10 2-5h3" />, active: (p) => p.startsWith('/rollouts') },
    { to: '/approvals', label: 'Approvals', icon: <Icon d="M4 10l4 4 8-9M3 17h14" />, active: (p) => p === '/approvals', count: waiting },
    { to: '/audit', label: 'Audit log', icon: <Icon d="M4 3h12v14H4zM7 7h6M7 10h6M7 13h4" />, active: (p) => p === '/audit' },
  ];
  if (can('webhooks.manage'))
    items.push({
      to: cluster ? `/clusters/${cluster}/webhooks` : '/webhooks',
      label: 'Webhooks',
      icon: <Icon d="M10 3a4 4 0 0 0-4 4c0 3-2 5-3 6h14c-1-1-3-3-3-6a4 4 0 0 0-4-4zM8 16a2 2 0 0 0 4 0" />,
      active: (p) => p.endsWith('/webhooks'),
    });
  if (can('users.manage'))
    items.push({
      to: '/access',
      label: 'Access',
      icon: <Icon d="M7 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 17c0-3 2.2-5 5-5s5 2 5 5M14 4a2.5 2.5 0 0 1 0 5M15 12c1.8.4 3 2 3 5" />,
      active: (p) => p === '/access' || p === '/users',
    });

  return (
    <div className="shell">
      <aside className="sidebar">
        <Link to="/" className="brand" aria-label="Bulkhead overview">
          <span className="brand-mark" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          Bulkhead
        </Link>
        <nav aria-label="Main">
          <ul className="nav">
            {items.map((item) => (
              <li key={item.label}>
                <Link
                  to={item.to}
                  className={`nav-link${item.active(path) ? ' active' : ''}`}
                  aria-current={item.active(path) ? 'page' : undefined}
                >
                  {item.icon}
                  {item.label}
                  {!!item.count && (
                    <span className="nav-count" data-testid="approvals-count" aria-label={`${item.count} waiting`}>
                      {item.count}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          {me && (
            <div className="whoami">
              <div className="whoami-name" title={me.name}>
                {me.name}
              </div>
              <Badge tone={me.role === 'admin' ? 'accent' : me.role === 'viewer' ? 'neutral' : 'info'}>{me.role}</Badge>
            </div>
          )}
          {me?.kind === 'user' && (
            <Link to="/account" className="btn btn-ghost btn-small btn-block">
              Change my password
            </Link>
          )}
          <button
            type="button"
            className="btn btn-ghost btn-small btn-block"
            onClick={() => void signOut().finally(() => navigate('/', { replace: true }))}
          >
            Sign out
          </button>
        </div>
      </aside>
      <main className="content" id="main">
        {children}
      </main>
    </div>
  );
}
