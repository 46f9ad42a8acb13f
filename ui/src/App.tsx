// Which page a URL shows, and the sign-in gate in front of them.
import { useEffect } from 'react';
import { loginUrl } from './api';
import { Loading } from './parts';
import { match, navigate, Redirect, useLocation } from './router';
import { useIsAdmin, useSession } from './session';
import { Login, Setup } from './pages/Auth';
import { ViewsPage } from './pages/Views';
import { ModelRecordsPage, ViewPage } from './pages/ViewPage';
import { IntegrationsPage } from './pages/Integrations';
import { Frame } from './Frame';
import { RecordPage } from './pages/RecordPage';
import { ModelsPage, ModelPage } from './pages/Models';
import { DeveloperPage } from './pages/Developer';
import { TeamPage } from './pages/Team';

export function App() {
  const { path } = useLocation();
  const { session } = useSession();
  const admin = useIsAdmin();
  const open = path.startsWith('/app/login') || path.startsWith('/app/setup');

  useEffect(() => {
    if (session.state === 'signed-out' && !open) navigate(loginUrl(), { replace: true });
  }, [session.state, open]);

  if (path === '/app/login') return <Login />;
  if (path === '/app/setup') return <Setup />;
  if (session.state === 'loading' || session.state === 'signed-out') return <Loading />;

  let m: Record<string, string> | null;
  if (path === '/app' || path === '/app/') return <Redirect to="/app/views" />;
  if (path === '/app/views') return <ViewsPage />;
  if ((m = match('/app/views/:id', path))) return <ViewPage key={m.id} viewId={m.id} />;
  if ((m = match('/app/records/:model/:id', path))) return <RecordPage key={path} modelId={m.model} recordId={m.id} />;
  if ((m = match('/app/models/:id', path))) return <ModelRecordsPage key={m.id} modelId={m.id} />;
  if (path.startsWith('/app/settings') && !admin) return <AdminsOnly />;
  if (path === '/app/settings' || path === '/app/settings/') return <Redirect to="/app/settings/models" />;
  if (path === '/app/settings/models') return <ModelsPage />;
  if ((m = match('/app/settings/models/:id', path))) return <ModelPage key={m.id} modelId={m.id} />;
  if (path === '/app/settings/developer') return <DeveloperPage />;
  if (path === '/app/settings/team') return <TeamPage />;
  if (path === '/app/settings/integrations') return <IntegrationsPage />;
  return <NotFound />;
}

function AdminsOnly() {
  return (
    <Frame title="Settings">
      <div className="page">
        <div className="state empty" role="alert">
          <strong>Settings are for admins</strong>
          <p>Ask an admin of this Corral to change data models, keys, the team or integrations.
            Your views are <a href="/app/views">here</a>.</p>
        </div>
      </div>
    </Frame>
  );
}

function NotFound() {
  return (
    <div className="auth-page">
      <div className="auth-card">
        <h1>Page not found</h1>
        <p>There is no page at this address. <a href="/app/views">Go to your views</a>.</p>
      </div>
    </div>
  );
}
