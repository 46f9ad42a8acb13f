// The frame around every signed-in page: the sidebar of views and settings, the top bar.
import { useEffect, useState, type ReactNode } from 'react';
import { api, type View } from './api';
import { Link, navigate, useLocation } from './router';
import { useIsAdmin, useSession } from './session';

// The sidebar keeps its list across pages; pages that change views call refreshViews().
const viewListeners = new Set<(v: View[]) => void>();
let lastViews: View[] | undefined;
export function refreshViews() {
  api.views().then((v) => {
    lastViews = v;
    viewListeners.forEach((l) => l(v));
  }, () => {});
}

function useViewList(): View[] | undefined {
  const [views, setViews] = useState(lastViews);
  useEffect(() => {
    viewListeners.add(setViews);
    if (!lastViews) refreshViews();
    return () => {
      viewListeners.delete(setViews);
    };
  }, []);
  return views;
}

/** The sidebar's list of views, shared with pages that name a view. */
export const useViews = () => useViewList();

export function Frame({ title, docTitle, search, actions, children }:
  { title: ReactNode; docTitle?: string; search?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const { path } = useLocation();
  const views = useViewList();
  const { session, setSession } = useSession();
  const admin = useIsAdmin();

  useEffect(() => {
    const t = docTitle ?? (typeof title === 'string' ? title : '');
    document.title = (t ? t + ' · ' : '') + 'Corral';
  }, [title, docTitle]);

  async function signOut() {
    try {
      await api.logout();
    } finally {
      setSession(null);
      navigate('/app/login');
    }
  }

  const item = (href: string, label: ReactNode, exact = false) => {
    const on = exact ? path === href : path === href || path.startsWith(href + '/');
    return (
      <li key={href}><Link href={href} className={on ? 'active' : undefined} aria-current={on ? 'page' : undefined}>{label}</Link></li>
    );
  };

  return (
    <div className="frame">
      <nav className="sidebar" aria-label="Main">
        <Link href="/app/views" className="brand">Corral</Link>
        <h2 className="nav-title">Views</h2>
        <ul className="nav-views">
          {views === undefined && <li className="faint">Loading…</li>}
          {views?.length === 0 && <li className="faint">No views yet</li>}
          {views?.map((v) => item(`/app/views/${encodeURIComponent(v.id)}`, v.name))}
          {item('/app/views', 'All views', true)}
        </ul>
        {admin && (
          <>
            <h2 className="nav-title">Settings</h2>
            <ul>
              {item('/app/settings/models', 'Data models')}
              {item('/app/settings/integrations', 'Integrations')}
              {item('/app/settings/developer', 'Developer')}
              {item('/app/settings/team', 'Team')}
            </ul>
          </>
        )}
        <div className="sidebar-foot">
          {session.state === 'signed-in' && <span className="faint" title={session.session.user.email}>{session.session.user.email}</span>}
          {session.state !== 'no-auth' && <button className="link" onClick={signOut}>Sign out</button>}
        </div>
      </nav>
      <header className="topbar">
        <h1>{title}</h1>
        <div className="topbar-search">{search}</div>
        <div className="topbar-actions">{actions}</div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
