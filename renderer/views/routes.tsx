import type { ReactNode } from 'react';
import type { Route } from '../components/router.js';
import { AgentDetailView, AgentsView } from './AgentsView.js';
import { AppCreateView } from './AppCreateView.js';
import { AppDetailView } from './AppDetailView.js';
import { AppsView } from './AppsView.js';
import { ContainerView } from './ContainerView.js';
import { DeploymentsView } from './DeploymentsView.js';
import { EventsView } from './EventsView.js';
import { FrameworksView } from './FrameworksView.js';
import { OffersView } from './OffersView.js';
import { OverviewView } from './OverviewView.js';
import { QuorumView } from './QuorumView.js';
import { RolesView } from './RolesView.js';
import { TasksView } from './TasksView.js';

/**
 * viewFor maps a hash route to its view:
 * `#/overview`, `#/offers`, `#/agents`, `#/agents/<agentId>`, `#/frameworks`, `#/roles`, `#/apps`, `#/apps-new`,
 * `#/apps/<appId>`, `#/deployments`, `#/tasks`, `#/containers/<agentId>/<frameworkId>/<executorId>`, `#/events`, `#/quorum`.
 */
export function viewFor(route: Route): ReactNode {
  const [head, a, b, c] = route;
  switch (head) {
    case 'overview':
      return <OverviewView />;
    case 'offers':
      return <OffersView />;
    case 'agents':
      return a ? <AgentDetailView agentId={a} /> : <AgentsView />;
    case 'frameworks':
      return <FrameworksView />;
    case 'roles':
      return <RolesView />;
    case 'apps':
      return a ? <AppDetailView appId={a} /> : <AppsView />;
    case 'apps-new':
      return <AppCreateView />;
    case 'deployments':
      return <DeploymentsView />;
    case 'tasks':
      return <TasksView />;
    case 'containers':
      return a && b && c ? <ContainerView agentId={a} frameworkId={b} executorId={c} /> : <p className="empty">No such container.</p>;
    case 'events':
      return <EventsView />;
    case 'quorum':
      return <QuorumView />;
    default:
      return <p className="empty">Unknown view “{head}”.</p>;
  }
}
