// deploy/kubernetes/: every manifest valid against the Kubernetes API schemas, the pieces wired to each other, and the node config they carry loadable.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../internal/config/load.js';
import { REPO_ROOT } from '../../internal/testing/harness.js';

const DIR = path.join(REPO_ROOT, 'deploy/kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  ports?: { name: string; containerPort: number; protocol?: string }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
}

interface StatefulSetSpec {
  serviceName: string;
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: { terminationGracePeriodSeconds: number; containers: Container[]; volumes: { name: string; configMap?: { name: string } }[] };
  };
  volumeClaimTemplates: { metadata: { name: string } }[];
}

type Validator = (m: Manifest) => void;

/** kubernetes-models classes validate against the API's OpenAPI schemas (types, required fields, formats). */
async function validatorFor(m: Manifest): Promise<Validator> {
  const group = m.apiVersion.includes('/') ? m.apiVersion : `v1`;
  const modulePath = `kubernetes-models/${group}/${m.kind}`;
  const mod = (await import(modulePath)) as Record<string, new (data: Manifest) => { validate(): void }>;
  const Model = mod[m.kind];
  if (Model === undefined) throw new Error(`no model for ${m.apiVersion} ${m.kind}`);
  return (x) => new Model(x).validate();
}

function resources(): Manifest[] {
  const k = parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  const out: Manifest[] = [];
  for (const file of k.resources) {
    for (const doc of parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8'))) out.push(doc.toJS() as Manifest);
  }
  return out;
}

function find(all: Manifest[], kind: string, name?: string): Manifest {
  const m = all.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (m === undefined) throw new Error(`no ${kind} ${name ?? ''}`);
  return m;
}

describe('deploy/kubernetes', () => {
  const all = resources();
  const sts = find(all, 'StatefulSet');
  const spec = sts.spec as unknown as StatefulSetSpec;
  const container = spec.template.spec.containers[0] as Container;

  it('every manifest passes the Kubernetes schema of its kind', async () => {
    expect(all.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
    for (const m of all) (await validatorFor(m))(m);
  });

  it('rejects a broken manifest (the validator is not a no-op)', async () => {
    const broken = structuredClone(sts) as unknown as { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    (broken.spec.template.spec.containers[0]?.ports[0] as { containerPort: unknown }).containerPort = 'eighty';
    const validate = await validatorFor(sts);
    expect(() => validate(broken as unknown as Manifest)).toThrow(/containerPort must be integer/);
  });

  it('wires the StatefulSet to its headless Service, Secret, ConfigMap, probes and volumes', () => {
    const headless = find(all, 'Service', spec.serviceName);
    expect(headless.spec?.['clusterIP']).toBe('None');
    // Members must resolve each other while they start, before any is ready.
    expect(headless.spec?.['publishNotReadyAddresses']).toBe(true);
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    for (const svc of all.filter((m) => m.kind === 'Service')) expect(spec.template.metadata.labels).toMatchObject(svc.spec?.['selector'] as Record<string, string>);
    const pdb = find(all, 'PodDisruptionBudget');
    expect((pdb.spec?.['selector'] as { matchLabels: Record<string, string> }).matchLabels).toEqual(spec.selector.matchLabels);
    expect(pdb.spec?.['maxUnavailable']).toBe(1);

    const portNames = new Set((container.ports ?? []).map((p) => p.name));
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    for (const svc of all.filter((m) => m.kind === 'Service')) {
      for (const p of svc.spec?.['ports'] as { targetPort: string }[]) expect(portNames.has(p.targetPort), p.targetPort).toBe(true);
    }
    const env = new Map((container.env ?? []).map((e) => [e.name, e.valueFrom]));
    expect(env.get('RINGCACHE_CLUSTER_SECRET')?.secretKeyRef).toEqual({ name: 'ringcache', key: 'cluster-secret' });
    expect(env.get('RINGCACHE_NODE_ID')?.fieldRef?.fieldPath).toBe('metadata.name');
    // A graceful stop hands slots off; the grace period must outlast the node's own stop deadline.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    const mounts = new Map((container.volumeMounts ?? []).map((v) => [v.name, v.mountPath]));
    expect(mounts.get('data')).toBe('/data');
    expect(spec.volumeClaimTemplates.map((v) => v.metadata.name)).toContain('data');
    const cfgVolume = spec.template.spec.volumes.find((v) => v.name === 'config');
    expect(find(all, 'ConfigMap', cfgVolume?.configMap?.name).kind).toBe('ConfigMap');
  });

  it('carries a node config the real loader accepts, whose seeds are the StatefulSet members', () => {
    const cm = find(all, 'ConfigMap');
    const file = (container.args ?? [])[1] as string;
    const text = cm.data?.[path.basename(file)] as string;
    const cfg = loadConfig({
      argv: ['--config', file],
      env: { RINGCACHE_NODE_ID: `${sts.metadata.name}-0`, RINGCACHE_CLUSTER_SECRET: 'test-only', RINGCACHE_CLUSTER_ANNOUNCE_HOST: '10.0.0.7' },
      readFile: () => text,
    });
    expect(cfg.dir).toBe('/data');
    expect(cfg.appendonly).toBe(true);
    const expected = Array.from({ length: spec.replicas }, (_, i) => `${sts.metadata.name}-${i}.${spec.serviceName}:${cfg.cluster.gossipPort}`);
    expect([...cfg.cluster.seeds]).toEqual(expected);
  });

  it('builds with kustomize when kubectl is installed, and the build validates too', async () => {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (probe.status !== 0) return; // kubectl is optional on CI machines; the checks above cover the files themselves
    const out = spawnSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const built = parseAllDocuments(out.stdout).map((d) => d.toJS() as Manifest);
    expect(built).toHaveLength(all.length);
    for (const m of built) {
      expect(m.metadata.labels?.['app.kubernetes.io/name']).toBe('ringcache');
      (await validatorFor(m))(m);
    }
  });
});

describe('deploy/overlays/example', () => {
  const OVERLAY = path.join(REPO_ROOT, 'deploy/overlays/example');

  it('carries a node config (bigger maxmemory, TLS) the real loader accepts', () => {
    const text = readFileSync(path.join(OVERLAY, 'ringcache.yaml'), 'utf8');
    const cfg = loadConfig({ argv: ['--config', 'ringcache.yaml'], env: { RINGCACHE_NODE_ID: 'ringcache-3', RINGCACHE_CLUSTER_SECRET: 'test-only' }, readFile: () => text });
    expect(cfg.values['maxmemory']).toBe(2 * 1024 * 1024 * 1024);
    expect(cfg.values['http.tls']).toBe(true);
    expect(cfg.values['redis.tls_port']).toBe(6380);
  });

  it('builds with kustomize when kubectl is installed: 5 members, the patches applied, every manifest valid', async () => {
    if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0) return;
    const out = spawnSync('kubectl', ['kustomize', OVERLAY], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const built = parseAllDocuments(out.stdout).map((d) => d.toJS() as Manifest);
    for (const m of built) (await validatorFor(m))(m);
    const sts = built.find((m) => m.kind === 'StatefulSet')?.spec as unknown as StatefulSetSpec & { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] };
    expect(sts.replicas).toBe(5);
    expect(sts.volumeClaimTemplates[0]?.spec.resources.requests.storage).toBe('50Gi');
    expect(sts.template.spec.volumes.map((v) => v.name)).toContain('tls');
  });
});
