// The Grafana dashboards as code: one definition per dashboard, written to grafana/dashboards/*.json by scripts/gen-dashboards.ts.
//
// Generated rather than hand-edited so every panel follows the same conventions (datasource uids,
// the $node filter, $__rate_interval) and the integration test can list every query. Edit here,
// then `npm run dashboards` (a unit test fails while the JSON files differ from this).

export const PROMETHEUS_UID = 'ringcache-prometheus';
export const ELASTICSEARCH_UID = 'ringcache-elasticsearch';

const PROM = { type: 'prometheus', uid: PROMETHEUS_UID } as const;
const ES = { type: 'elasticsearch', uid: ELASTICSEARCH_UID } as const;

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

interface PromQuery {
  expr: string;
  legend?: string;
  /** Instant query (tables, stats that show the current value). */
  instant?: boolean;
}

interface EsQuery {
  query: string;
  /** Terms aggregation field (count per value over time); none = a logs query. */
  termsField?: string;
}

interface PanelSpec {
  title: string;
  description?: string;
  type: 'timeseries' | 'stat' | 'table' | 'logs' | 'barchart';
  unit?: string;
  w?: number;
  h?: number;
  prom?: PromQuery[];
  es?: EsQuery[];
  /** Stacked series (counts by state, by outcome). */
  stacked?: boolean;
  min?: number;
  max?: number;
}

interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** Template variables over Prometheus label values, in order: [name, label_values(...) query, multi/all]. */
  variables: { name: string; label: string; query: string }[];
  panels: PanelSpec[];
}

const NODE = 'node=~"$node"';
const RI = '$__rate_interval';

function rate(metric: string, extra = ''): string {
  return `rate(${metric}{${NODE}${extra}}[${RI}])`;
}

function promTarget(q: PromQuery, i: number): Json {
  return {
    refId: String.fromCharCode(65 + i),
    datasource: PROM,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: q.instant !== true,
    instant: q.instant === true,
    ...(q.instant === true ? { format: 'table' } : {}),
  };
}

function esTarget(q: EsQuery, i: number): Json {
  const refId = String.fromCharCode(65 + i);
  if (q.termsField === undefined) {
    return { refId, datasource: ES, query: q.query, timeField: '@timestamp', metrics: [{ id: '1', type: 'logs' }], bucketAggs: [] };
  }
  return {
    refId,
    datasource: ES,
    query: q.query,
    timeField: '@timestamp',
    metrics: [{ id: '1', type: 'count' }],
    bucketAggs: [
      { id: '3', type: 'terms', field: q.termsField, settings: { size: '20', order: 'desc', orderBy: '_count', min_doc_count: '1' } },
      { id: '2', type: 'date_histogram', field: '@timestamp', settings: { interval: 'auto', min_doc_count: '0' } },
    ],
  };
}

function panel(p: PanelSpec, id: number, x: number, y: number): Json {
  const datasource = p.es ? ES : PROM;
  const targets = p.es ? p.es.map(esTarget) : (p.prom ?? []).map(promTarget);
  const defaults: { [k: string]: Json } = { unit: p.unit ?? 'short' };
  if (p.min !== undefined) defaults['min'] = p.min;
  if (p.max !== undefined) defaults['max'] = p.max;
  if (p.type === 'timeseries') {
    defaults['custom'] = { drawStyle: 'line', lineWidth: 1, fillOpacity: p.stacked ? 30 : 10, showPoints: 'never', spanNulls: true, stacking: { mode: p.stacked ? 'normal' : 'none', group: 'A' } };
  }
  let options: Json;
  switch (p.type) {
    case 'stat':
      options = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto', justifyMode: 'auto', orientation: 'auto' };
      break;
    case 'table':
      options = { showHeader: true, cellHeight: 'sm' };
      break;
    case 'logs':
      options = { showTime: true, wrapLogMessage: true, sortOrder: 'Descending', enableLogDetails: true, dedupStrategy: 'none', prettifyLogMessage: false };
      break;
    default:
      options = { legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] }, tooltip: { mode: 'multi', sort: 'desc' } };
  }
  return {
    id,
    type: p.type,
    title: p.title,
    ...(p.description !== undefined ? { description: p.description } : {}),
    datasource,
    gridPos: { x, y, w: p.w ?? 12, h: p.h ?? 8 },
    fieldConfig: { defaults, overrides: [] },
    options,
    ...(p.type === 'table' ? { transformations: [{ id: 'labelsToFields', options: {} }] } : {}),
    targets,
  };
}

export function renderDashboard(d: DashboardSpec): Json {
  let x = 0;
  let y = 0;
  let rowH = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.w ?? 12;
    const h = p.h ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const out = panel(p, i + 1, x, y);
    x += w;
    rowH = Math.max(rowH, h);
    return out;
  });
  const list = d.variables.map((v) => ({
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: PROM,
    definition: v.query,
    query: { query: v.query, refId: `${v.name}-var` },
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
    hide: 0,
  }));
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: d.tags,
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    timepicker: {},
    timezone: '',
    annotations: { list: [] },
    links: [{ title: 'ringcache', type: 'dashboards', tags: ['ringcache'], asDropdown: true, includeVars: true, keepTime: true }],
    templating: { list },
    panels,
  };
}

const nodeVar = { name: 'node', label: 'node', query: 'label_values(ringcache_up, node)' };

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: 'ringcache-overview',
    title: 'ringcache / Cluster overview',
    description: 'Members, slots, keys, memory, throughput and hit ratio of the ringcache cluster.',
    tags: ['ringcache'],
    variables: [nodeVar],
    panels: [
      { title: 'Nodes up', type: 'stat', w: 4, h: 4, prom: [{ expr: `sum(ringcache_up{${NODE}})` }] },
      { title: 'Members alive', description: 'Alive members as the selected nodes see them (the largest view).', type: 'stat', w: 4, h: 4, prom: [{ expr: `max(ringcache_cluster_members{${NODE},state="alive"})` }] },
      { title: 'Keys', type: 'stat', w: 4, h: 4, prom: [{ expr: `sum(ringcache_db_keys{${NODE}})` }] },
      { title: 'Ops/s', type: 'stat', w: 4, h: 4, unit: 'ops', prom: [{ expr: `sum(${rate('ringcache_commands_processed_total')})` }] },
      {
        title: 'Hit ratio',
        type: 'stat',
        w: 4,
        h: 4,
        unit: 'percentunit',
        prom: [{ expr: `sum(${rate('ringcache_keyspace_hits_total')}) / (sum(${rate('ringcache_keyspace_hits_total')}) + sum(${rate('ringcache_keyspace_misses_total')}))` }],
      },
      { title: 'Memory used', type: 'stat', w: 4, h: 4, unit: 'bytes', prom: [{ expr: `sum(ringcache_memory_used_bytes{${NODE}})` }] },
      { title: 'Members by state', description: 'Members per SWIM state (the largest count any selected node reports).', type: 'timeseries', stacked: true, prom: [{ expr: `max by (state) (ringcache_cluster_members{${NODE}})`, legend: '{{state}}' }] },
      { title: 'Slots owned per node', description: 'Hash slots (of 16384) each node owns in its ring.', type: 'timeseries', stacked: true, prom: [{ expr: `ringcache_cluster_slots_owned{${NODE}}`, legend: '{{node}}' }] },
      {
        title: 'Keys per node',
        type: 'timeseries',
        prom: [
          { expr: `sum by (node) (ringcache_db_keys{${NODE}})`, legend: '{{node}} keys' },
          { expr: `sum by (node) (ringcache_db_keys_expiring{${NODE}})`, legend: '{{node}} with TTL' },
        ],
      },
      {
        title: 'Memory per node',
        description: 'Process memory (V8 heap + external), the dataset as maxmemory counts it, and maxmemory (0 = no limit).',
        type: 'timeseries',
        unit: 'bytes',
        prom: [
          { expr: `ringcache_memory_used_bytes{${NODE}}`, legend: '{{node}} used' },
          { expr: `ringcache_memory_used_dataset_bytes{${NODE}}`, legend: '{{node}} dataset' },
          { expr: `ringcache_memory_max_bytes{${NODE}}`, legend: '{{node}} maxmemory' },
        ],
      },
      { title: 'Ops/s per node', type: 'timeseries', unit: 'ops', stacked: true, prom: [{ expr: `sum by (node) (${rate('ringcache_commands_processed_total')})`, legend: '{{node}}' }] },
      {
        title: 'Hit ratio per node',
        type: 'timeseries',
        unit: 'percentunit',
        min: 0,
        max: 1,
        prom: [{ expr: `sum by (node) (${rate('ringcache_keyspace_hits_total')}) / (sum by (node) (${rate('ringcache_keyspace_hits_total')}) + sum by (node) (${rate('ringcache_keyspace_misses_total')}))`, legend: '{{node}}' }],
      },
      { title: 'Connected clients', type: 'timeseries', prom: [{ expr: `ringcache_connected_clients{${NODE}}`, legend: '{{node}}' }] },
      {
        title: 'Expired and evicted keys/s',
        type: 'timeseries',
        prom: [
          { expr: `sum by (node) (${rate('ringcache_expired_keys_total')})`, legend: '{{node}} expired' },
          { expr: `sum by (node) (${rate('ringcache_evicted_keys_total')})`, legend: '{{node}} evicted' },
        ],
      },
      { title: 'Forwarded requests/s by outcome', description: 'Commands sent on to the owning node (proxy mode).', type: 'timeseries', stacked: true, prom: [{ expr: `sum by (outcome) (${rate('ringcache_forwarded_requests_total')})`, legend: '{{outcome}}' }] },
      {
        title: 'Forwarded request latency',
        type: 'timeseries',
        unit: 's',
        prom: [
          { expr: `histogram_quantile(0.5, sum by (le) (${rate('ringcache_forwarded_request_duration_seconds_bucket')}))`, legend: 'p50' },
          { expr: `histogram_quantile(0.99, sum by (le) (${rate('ringcache_forwarded_request_duration_seconds_bucket')}))`, legend: 'p99' },
        ],
      },
      { title: 'Gossip messages/s', description: 'SWIM messages by type and direction.', type: 'timeseries', prom: [{ expr: `sum by (type, direction) (${rate('ringcache_gossip_messages_total')})`, legend: '{{type}} {{direction}}' }] },
      { title: 'Member state transitions', description: 'State changes the selected nodes have observed since they started (from "none" = first seen).', type: 'timeseries', prom: [{ expr: `sum by (from, to) (ringcache_cluster_member_transitions_total{${NODE}})`, legend: '{{from}} → {{to}}' }] },
      { title: 'Local health (Lifeguard)', description: '0 = healthy; higher while the node is slow to answer probes.', type: 'timeseries', prom: [{ expr: `ringcache_gossip_local_health{${NODE}}`, legend: '{{node}}' }] },
      { title: 'Ring epoch', type: 'timeseries', prom: [{ expr: `ringcache_cluster_ring_epoch{${NODE}}`, legend: '{{node}}' }] },
      { title: 'Nodes', type: 'table', w: 24, h: 6, prom: [{ expr: `ringcache_build_info{${NODE}} * on (node) group_left ringcache_uptime_in_seconds{${NODE}}`, instant: true }] },
    ],
  },
  {
    uid: 'ringcache-performance',
    title: 'ringcache / Performance',
    description: 'Latency percentiles by command, throughput, network, event-loop lag and the HTTP API.',
    tags: ['ringcache'],
    variables: [nodeVar, { name: 'cmd', label: 'command', query: `label_values(ringcache_commands_total{${NODE}}, cmd)` }],
    panels: [
      {
        title: 'Command latency p99 by command',
        description: 'Execution time on the node (microsecond buckets), not including the network.',
        type: 'timeseries',
        unit: 's',
        prom: [{ expr: `histogram_quantile(0.99, sum by (le, cmd) (${rate('ringcache_command_duration_seconds_bucket', ',cmd=~"$cmd"')}))`, legend: '{{cmd}}' }],
      },
      {
        title: 'Command latency p50 by command',
        type: 'timeseries',
        unit: 's',
        prom: [{ expr: `histogram_quantile(0.5, sum by (le, cmd) (${rate('ringcache_command_duration_seconds_bucket', ',cmd=~"$cmd"')}))`, legend: '{{cmd}}' }],
      },
      { title: 'Calls/s by command', type: 'timeseries', unit: 'ops', stacked: true, prom: [{ expr: `sum by (cmd) (${rate('ringcache_commands_total', ',cmd=~"$cmd"')})`, legend: '{{cmd}}' }] },
      {
        title: 'Mean time per call by command',
        type: 'timeseries',
        unit: 's',
        prom: [{ expr: `sum by (cmd) (${rate('ringcache_commands_duration_seconds_total', ',cmd=~"$cmd"')}) / sum by (cmd) (${rate('ringcache_commands_total', ',cmd=~"$cmd"')})`, legend: '{{cmd}}' }],
      },
      { title: 'Throughput per node', type: 'timeseries', unit: 'ops', stacked: true, prom: [{ expr: `sum by (node) (${rate('ringcache_commands_processed_total')})`, legend: '{{node}}' }] },
      {
        title: 'Network',
        description: 'RESP bytes read and written per second.',
        type: 'timeseries',
        unit: 'Bps',
        prom: [
          { expr: `sum by (node) (${rate('ringcache_net_input_bytes_total')})`, legend: '{{node}} in' },
          { expr: `sum by (node) (${rate('ringcache_net_output_bytes_total')})`, legend: '{{node}} out' },
        ],
      },
      {
        title: 'Event loop lag',
        description: 'Every command runs on the event loop: lag here is latency for every client.',
        type: 'timeseries',
        unit: 's',
        prom: [
          { expr: `nodejs_eventloop_lag_p99_seconds{${NODE}}`, legend: '{{node}} p99' },
          { expr: `nodejs_eventloop_lag_mean_seconds{${NODE}}`, legend: '{{node}} mean' },
        ],
      },
      { title: 'CPU', type: 'timeseries', unit: 'percentunit', prom: [{ expr: `${rate('process_cpu_seconds_total')}`, legend: '{{node}}' }] },
      { title: 'Heap used', type: 'timeseries', unit: 'bytes', prom: [{ expr: `nodejs_heap_size_used_bytes{${NODE}}`, legend: '{{node}}' }] },
      { title: 'GC time/s', type: 'timeseries', unit: 's', prom: [{ expr: `sum by (node, kind) (${rate('nodejs_gc_duration_seconds_sum')})`, legend: '{{node}} {{kind}}' }] },
      {
        title: 'HTTP latency p99 by route',
        type: 'timeseries',
        unit: 's',
        prom: [{ expr: `histogram_quantile(0.99, sum by (le, route) (${rate('ringcache_http_request_duration_seconds_bucket')}))`, legend: '{{route}}' }],
      },
      { title: 'HTTP requests/s by route and status', type: 'timeseries', unit: 'reqps', prom: [{ expr: `sum by (route, status_code) (${rate('ringcache_http_request_duration_seconds_count')})`, legend: '{{route}} {{status_code}}' }] },
      {
        title: 'Errors/s',
        description: 'Error replies, and calls refused before running (arity, auth, OOM, MISCONF) or failing while running, by command.',
        type: 'timeseries',
        prom: [
          { expr: `sum by (node) (${rate('ringcache_errors_total')})`, legend: '{{node}} error replies' },
          { expr: `sum by (cmd) (${rate('ringcache_commands_rejected_calls_total', ',cmd=~"$cmd"')})`, legend: '{{cmd}} rejected' },
          { expr: `sum by (cmd) (${rate('ringcache_commands_failed_calls_total', ',cmd=~"$cmd"')})`, legend: '{{cmd}} failed' },
        ],
      },
      {
        title: 'Connections',
        type: 'timeseries',
        prom: [
          { expr: `sum by (node) (${rate('ringcache_connections_received_total')})`, legend: '{{node}} accepted/s' },
          { expr: `sum by (node) (${rate('ringcache_rejected_connections_total')})`, legend: '{{node}} rejected/s' },
          { expr: `ringcache_blocked_clients{${NODE}}`, legend: '{{node}} blocked clients' },
        ],
      },
      { title: 'Slow log length', type: 'timeseries', prom: [{ expr: `ringcache_slowlog_length{${NODE}}`, legend: '{{node}}' }] },
    ],
  },
  {
    uid: 'ringcache-persistence',
    title: 'ringcache / Persistence',
    description:
      'AOF size, fsync latency and write errors; AOF rewrites and snapshots. Replication panels (lag, offsets) come with replication: the node exports no replication metrics yet.',
    tags: ['ringcache'],
    variables: [nodeVar],
    panels: [
      {
        title: 'AOF size',
        type: 'timeseries',
        unit: 'bytes',
        prom: [
          { expr: `ringcache_aof_current_size_bytes{${NODE}}`, legend: '{{node}} current' },
          { expr: `ringcache_aof_base_size_bytes{${NODE}}`, legend: '{{node}} base (after last rewrite)' },
        ],
      },
      {
        title: 'AOF fsync latency',
        type: 'timeseries',
        unit: 's',
        prom: [
          { expr: `histogram_quantile(0.5, sum by (le, node) (${rate('ringcache_aof_fsync_duration_seconds_bucket')}))`, legend: '{{node}} p50' },
          { expr: `histogram_quantile(0.99, sum by (le, node) (${rate('ringcache_aof_fsync_duration_seconds_bucket')}))`, legend: '{{node}} p99' },
        ],
      },
      { title: 'AOF fsyncs/s', type: 'timeseries', prom: [{ expr: `sum by (node) (${rate('ringcache_aof_fsync_duration_seconds_count')})`, legend: '{{node}}' }] },
      {
        title: 'AOF write status and errors',
        description: '1 = the last write succeeded; 0 = writes fail and the node refuses writes (MISCONF).',
        type: 'timeseries',
        prom: [
          { expr: `ringcache_aof_last_write_status{${NODE}}`, legend: '{{node}} status' },
          { expr: `increase(ringcache_aof_write_errors_total{${NODE}}[${RI}])`, legend: '{{node}} errors' },
        ],
      },
      {
        title: 'Last rewrite / snapshot duration',
        description: '-1 = none yet since the node started.',
        type: 'timeseries',
        unit: 's',
        prom: [
          { expr: `ringcache_aof_last_rewrite_duration_seconds{${NODE}}`, legend: '{{node}} AOF rewrite' },
          { expr: `ringcache_rdb_last_bgsave_duration_seconds{${NODE}}`, legend: '{{node}} snapshot' },
        ],
      },
      {
        title: 'Last rewrite / snapshot status',
        description: '1 = succeeded, 0 = failed.',
        type: 'timeseries',
        min: 0,
        max: 1,
        prom: [
          { expr: `ringcache_aof_last_bgrewrite_status{${NODE}}`, legend: '{{node}} AOF rewrite' },
          { expr: `ringcache_rdb_last_bgsave_status{${NODE}}`, legend: '{{node}} snapshot' },
        ],
      },
      { title: 'Changes since last save', type: 'timeseries', prom: [{ expr: `ringcache_rdb_changes_since_last_save{${NODE}}`, legend: '{{node}}' }] },
      { title: 'Time since last save', type: 'timeseries', unit: 's', prom: [{ expr: `time() - ringcache_rdb_last_save_timestamp_seconds{${NODE}}`, legend: '{{node}}' }] },
      {
        title: 'Background jobs',
        type: 'timeseries',
        prom: [
          { expr: `ringcache_aof_rewrite_in_progress{${NODE}}`, legend: '{{node}} AOF rewrite running' },
          { expr: `ringcache_rdb_bgsave_in_progress{${NODE}}`, legend: '{{node}} snapshot running' },
        ],
      },
      {
        title: 'Rewrites and snapshots completed',
        type: 'timeseries',
        prom: [
          { expr: `ringcache_aof_rewrites_total{${NODE}}`, legend: '{{node}} AOF rewrites' },
          { expr: `ringcache_rdb_saves_total{${NODE}}`, legend: '{{node}} snapshots' },
        ],
      },
    ],
  },
  {
    uid: 'ringcache-logs',
    title: 'ringcache / Logs',
    description: 'Node logs shipped by Filebeat to Elasticsearch (ringcache-* indices): errors by node and component, and the lines themselves.',
    tags: ['ringcache'],
    variables: [],
    panels: [
      { title: 'Errors by node', type: 'timeseries', stacked: true, es: [{ query: 'log.level:(error OR fatal)', termsField: 'ringcache.node' }] },
      { title: 'Errors by component', type: 'timeseries', stacked: true, es: [{ query: 'log.level:(error OR fatal)', termsField: 'ringcache.component' }] },
      { title: 'Log lines by level', type: 'timeseries', stacked: true, es: [{ query: '*', termsField: 'log.level' }] },
      { title: 'Warnings by node', type: 'timeseries', stacked: true, es: [{ query: 'log.level:warn', termsField: 'ringcache.node' }] },
      { title: 'Errors and warnings', type: 'logs', w: 24, h: 10, es: [{ query: 'log.level:(warn OR error OR fatal)' }] },
      { title: 'All lines', type: 'logs', w: 24, h: 12, es: [{ query: '*' }] },
    ],
  },
];
