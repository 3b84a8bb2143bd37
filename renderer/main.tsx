import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { ConsoleChannel } from './channel/consoleChannel.js';
import { bridgeTransport, webSocketTransport } from './channel/transport.js';
import { App } from './App.js';
import { ChannelContext } from './data/consoleContext.js';

const transport = window.plateau ? bridgeTransport(window.plateau) : webSocketTransport(`${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/channel`);
const channel = new ConsoleChannel(transport);
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 2, refetchOnWindowFocus: false, staleTime: 2000 } } });

createRoot(document.getElementById('root') as HTMLElement).render(
  <ChannelContext.Provider value={channel}>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </ChannelContext.Provider>,
);
