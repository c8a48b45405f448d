// The GraphQL IDE served at GET /graphql: GraphiQL with its documentation explorer and query
// history, bundled with every asset (editor workers, fonts, styles) by scripts/build-web.mjs.
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';

// The Monaco editor runs its language services in workers, built beside this file.
const here = new URL('.', import.meta.url);
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const name = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return new Worker(new URL(`${name}.worker.js`, here));
  },
};

const url = new URL('/graphql', location.href);
const fetcher = createGraphiQLFetcher({
  url: url.href,
  // Subscriptions go over graphql-ws at the same URL; the socket opens on the first subscription.
  wsClient: createClient({ url: url.href.replace(/^http/, 'ws'), lazy: true, retryAttempts: 0 }),
});

const defaultQuery = `# 湖南省教育厅 2014: the department's own figures and its cities
{
  unit(code: "430000") {
    name
    own(period: { year: 2014 }) {
      interactions { received repliedOnTime onTimeRate byKind { kind received repliedOnTime } }
      disclosures { published byCategory { categoryCode count } }
    }
    children(level: CITY) { code name stats(period: { year: 2014 }) { interactions { received onTimeRate } } }
  }
}
`;

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, { fetcher, defaultQuery, shouldPersistHeaders: false }),
);
