/** Variants of the incident: what each GitOps set-up does with a live change. */
import { computeDrift } from '../../src/drift/compare.js';
import { runDriftChecks } from '../../src/drift/run.js';
import { managedFieldsEntry } from '../../src/testing/fake-apiserver.js';
import type { KObject } from '../../src/sources/yaml.js';
import { argoApp, liveConfigMap, liveOf, snapshotOf, T_ARGO, T_PATCH, USER_AUTH_CM } from './helpers.js';

const GIT = { 'apps/user-auth/configmap.yaml': USER_AUTH_CM };
const CHANGED = { REDIS_HOST: 'redis-new.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info' };
const ADDED = { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' };

function drift(git: Record<string, string>, live: Record<string, any>[], patch?: (o: KObject) => void) {
  const { items, skipped } = computeDrift(snapshotOf(git, patch), liveOf(live), { ref: 'main' });
  return { findings: runDriftChecks({ items, ref: 'main', liveSource: 'test' }), skipped };
}

describe('changed declared key', () => {
  const cm = liveConfigMap({ data: CHANGED, patched: ['REDIS_HOST'] });
  it('automated + selfHeal: reverted within seconds', () => {
    const [f, ...rest] = drift(GIT, [cm, argoApp({ selfHeal: true })]).findings;
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ check: 'will-be-reverted', severity: 'error', key: 'REDIS_HOST' });
    expect(f!.message).toContain(`was changed in the cluster: kubectl-patch (Update) owns it; its last write to this object was at ${T_PATCH}`);
    expect(f!.message).toContain("reverted to git's value within seconds");
    expect(f!.details).toMatchObject({ gitValue: 'redis.prod.svc', liveValue: 'redis-new.prod.svc', fate: { outcome: 'reverted', visibleToGitOps: true } });
    expect(f!.patch).toContain('-  REDIS_HOST: redis.prod.svc\n+  REDIS_HOST: redis-new.prod.svc\n');
  });
  it('automated without selfHeal: at the next sync of a new revision', () => {
    const [f] = drift(GIT, [cm, argoApp({ selfHeal: false })]).findings;
    expect(f!.check).toBe('will-be-reverted');
    expect(f!.message).toContain("reverted to git's value at the next automated sync (the next git revision of this app)");
  });
  it('manual sync: when someone syncs', () => {
    const [f] = drift(GIT, [cm, argoApp({ automated: false })]).findings;
    expect(f!.message).toContain("reverted to git's value when someone syncs the app");
  });
  it('ignoreDifferences hides it from the diff only: a sync still applies git', () => {
    const app = argoApp({ ignoreDifferences: [{ kind: 'ConfigMap', name: 'user-auth-config', jsonPointers: ['/data/REDIS_HOST'] }] });
    const [f] = drift(GIT, [cm, app]).findings;
    expect(f!.check).toBe('will-be-reverted');
    expect(f!.message).toContain('hides it from the diff (ignoreDifferences jsonPointers /data/REDIS_HOST)');
    expect(f!.message).toContain('any sync still applies');
    expect(f!.details).toMatchObject({ fate: { outcome: 'reverted', visibleToGitOps: false } });
  });
  it('ignoreDifferences by jq path or manager, with RespectIgnoreDifferences=true: kept', () => {
    for (const rule of [{ kind: 'ConfigMap', jqPathExpressions: ['.data.REDIS_HOST'] }, { kind: 'ConfigMap', managedFieldsManagers: ['kubectl-patch'] }]) {
      const app = argoApp({ ignoreDifferences: [rule], syncOptions: ['RespectIgnoreDifferences=true'] });
      const [f] = drift(GIT, [cm, app]).findings;
      expect(f!.check).toBe('live-value-changed');
      expect(f!.message).toContain('RespectIgnoreDifferences=true');
    }
  });
  it('no GitOps owner: live-value-changed, nothing reverts it', () => {
    const [f] = drift(GIT, [liveConfigMap({ labels: {}, data: CHANGED, patched: ['REDIS_HOST'] })]).findings;
    expect(f!.check).toBe('live-value-changed');
    expect(f!.message).toContain('No GitOps engine owns ConfigMap prod/user-auth-config');
  });
});

describe('added key (exists only live)', () => {
  it('Replace=true: lost at the next sync', () => {
    const [f] = drift(GIT, [liveConfigMap({ data: ADDED, patched: ['REDIS_URL'] }), argoApp({ syncOptions: ['Replace=true'] })]).findings;
    expect(f).toMatchObject({ check: 'fix-will-be-lost', severity: 'error', key: 'REDIS_URL' });
    expect(f!.message).toContain('does not see it');
    expect(f!.message).toContain('Replace=true replaces the whole object at every sync');
    expect(f!.patch).toContain('+  REDIS_URL: redis://redis.prod.svc:6379/0');
  });
  it.each([
    // The manager that owns the annotation names the command (issue 11.3), whoever owns the key.
    ['kubectl-client-side-apply', 'kubectl apply (client-side) (field manager kubectl-client-side-apply) wrote it into the last-applied-configuration annotation'],
    ['kubectl-replace', 'kubectl replace (field manager kubectl-replace) wrote it into the last-applied-configuration annotation'],
    ['kubectl-edit', 'kubectl edit (field manager kubectl-edit) wrote it into the last-applied-configuration annotation'],
    ['kubectl-create', 'kubectl create --save-config (field manager kubectl-create) wrote it into the last-applied-configuration annotation'],
    ['deploy-bot', 'field manager deploy-bot wrote it into the last-applied-configuration annotation'],
  ])('added, and %s wrote the last-applied annotation: ArgoCD sees it and removes it', (manager, words) => {
    const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: 'prod' }, data: ADDED });
    const cm = liveConfigMap({ data: ADDED, patched: ['REDIS_URL'], patchManager: manager, patchAnnotations: ['kubectl.kubernetes.io/last-applied-configuration'], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } });
    const [f] = drift(GIT, [cm, argoApp()]).findings;
    expect(f).toMatchObject({ check: 'fix-will-be-lost', key: 'REDIS_URL' });
    expect(f!.message).toContain('will be lost within seconds (self-heal)');
    expect(f!.message).toContain(words);
    expect(f!.message).not.toContain(manager === 'kubectl-client-side-apply' ? 'kubectl replace' : 'kubectl apply');
  });
  it('added with kubectl apply, the annotation of unknown origin: says so', () => {
    const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: 'prod' }, data: ADDED });
    const cm = liveConfigMap({ data: ADDED, patched: ['REDIS_URL'], patchManager: 'kubectl-client-side-apply', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } });
    const [f] = drift(GIT, [cm, argoApp()]).findings;
    expect(f).toMatchObject({ check: 'fix-will-be-lost', key: 'REDIS_URL' });
    expect(f!.message).toContain('the last-applied-configuration annotation holds it (no managedFields entry says who wrote the annotation)');
    // With server-side apply, ArgoCD does not use the annotation: invisible again.
    expect(drift(GIT, [cm, argoApp({ syncOptions: ['ServerSideApply=true'] })]).findings[0]!.check).toBe('live-only-key');
  });
  it('Replace=true as a per-resource sync option', () => {
    const cm = liveConfigMap({ data: ADDED, patched: ['REDIS_URL'], annotations: { 'argocd.argoproj.io/sync-options': 'Replace=true' } });
    expect(drift(GIT, [cm, argoApp()]).findings[0]!.check).toBe('fix-will-be-lost');
  });
  it('tracking-id annotation finds the app', () => {
    const cm = liveConfigMap({ labels: {}, data: ADDED, patched: ['REDIS_URL'], annotations: { 'argocd.argoproj.io/tracking-id': 'user-auth:/ConfigMap:prod/user-auth-config' } });
    expect(drift(GIT, [cm, argoApp()]).findings[0]!.details).toMatchObject({ app: 'ArgoCD app argocd/user-auth' });
  });
  const flux = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
  const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '10m', prune: true, path: './apps' } };
  it('Flux kustomize-controller strips kubectl-made additions every interval', () => {
    const [f] = drift(GIT, [liveConfigMap({ labels: flux, argoManager: 'kustomize-controller', data: ADDED, patched: ['REDIS_URL'] }), ks]).findings;
    expect(f!.check).toBe('fix-will-be-lost');
    expect(f!.message).toContain('Flux Kustomization flux-system/apps removes fields written by kubectl-patch');
    expect(f!.message).toContain('at the next reconcile (every 10m)');
  });
  it('Flux leaves an object that opts out alone', () => {
    const cm = liveConfigMap({ labels: flux, annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }, argoManager: 'kustomize-controller', data: CHANGED, patched: ['REDIS_HOST'] });
    const [f] = drift(GIT, [cm, ks]).findings;
    expect(f!.check).toBe('live-value-changed');
    expect(f!.message).toContain('leaves this object alone (kustomize.toolkit.fluxcd.io/ssa: IfNotPresent)');
  });
  it('a value a GitOps engine wrote that git has since changed is pending, not a manual change', () => {
    const cm = liveConfigMap({ data: CHANGED });
    const [f] = drift(GIT, [cm, argoApp()]).findings;
    expect(f).toMatchObject({ check: 'pending-in-git', key: 'REDIS_HOST', severity: 'info' });
    expect(f!.message).toContain('is owned by argocd-controller');
  });
  it('Flux leaves additions by other managers alone', () => {
    const [f] = drift(GIT, [liveConfigMap({ labels: flux, argoManager: 'kustomize-controller', patchManager: 'k9s', data: ADDED, patched: ['REDIS_URL'] }), ks]).findings;
    expect(f!.check).toBe('live-only-key');
  });
  it('Flux changed key: reverted by server-side apply at the next reconcile; a suspended Kustomization waits', () => {
    const cm = liveConfigMap({ labels: flux, argoManager: 'kustomize-controller', data: CHANGED, patched: ['REDIS_HOST'] });
    expect(drift(GIT, [cm, ks]).findings[0]!.message).toContain('reverted at the next reconcile (every 10m)');
    expect(drift(GIT, [cm, { ...ks, spec: { ...ks.spec, suspend: true } }]).findings[0]!.message).toContain('when the Kustomization is resumed');
  });
  it('Flux helm-controller reverts only with driftDetection enabled', () => {
    const labels = { 'helm.toolkit.fluxcd.io/name': 'user-auth', 'helm.toolkit.fluxcd.io/namespace': 'prod' };
    const hr = (mode?: string) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'user-auth', namespace: 'prod' }, spec: { interval: '5m', ...(mode ? { driftDetection: { mode } } : {}) } });
    const cm = liveConfigMap({ labels, argoManager: 'helm-controller', data: CHANGED, patched: ['REDIS_HOST'] });
    expect(drift(GIT, [cm, hr('enabled')]).findings[0]!.message).toContain('driftDetection.mode: enabled: reverted at the next reconcile (every 5m)');
    expect(drift(GIT, [cm, hr('warn')]).findings[0]!.message).toContain('reports this drift (driftDetection.mode: warn) but does not correct it');
    expect(drift(GIT, [cm, hr()]).findings[0]!.message).toContain('does not look for drift');
  });
  it('no owner: live-only-key, nothing reverts it', () => {
    const [f] = drift(GIT, [liveConfigMap({ labels: {}, data: ADDED, patched: ['REDIS_URL'] })]).findings;
    expect(f!.check).toBe('live-only-key');
  });
  it('a Kustomize generator with a hash: lost at regeneration; the patch adds the literal', () => {
    const kustomization = `resources:\n  - deployment.yaml\nconfigMapGenerator:\n  - name: user-auth-config\n    namespace: prod\n    literals:\n      - REDIS_HOST=redis.prod.svc\n      - REDIS_PORT=6379\n      - LOG_LEVEL=info\n`;
    const rendered = USER_AUTH_CM.replace('name: user-auth-config', 'name: user-auth-config-5f8t2b7m9k');
    const git = { 'apps/user-auth/kustomization.yaml': kustomization, 'rendered.yaml': rendered };
    const lines: Record<string, number> = { REDIS_HOST: 7, REDIS_PORT: 8, LOG_LEVEL: 9 };
    const gen = (o: KObject) => {
      if (o.kind !== 'ConfigMap') return;
      o.generated = { generator: 'configMapGenerator', file: 'apps/user-auth/kustomization.yaml', line: 4, hashed: true };
      o.locate = (p) => (p[0] === 'data' && typeof p[1] === 'string' && lines[p[1]] ? { file: 'apps/user-auth/kustomization.yaml', line: lines[p[1]]! } : { file: 'apps/user-auth/kustomization.yaml', line: 4 });
    };
    const live = liveConfigMap({ name: 'user-auth-config-5f8t2b7m9k', data: ADDED, patched: ['REDIS_URL'] });
    const { findings } = drift({ 'apps/user-auth/kustomization.yaml': kustomization, 'rendered.yaml': rendered }, [live, argoApp()], gen);
    const f = findings[0]!;
    expect(f.check).toBe('fix-will-be-lost');
    expect(f.message).toContain('lost the next time this ConfigMap is regenerated (any change to configMapGenerator user-auth-config in apps/user-auth/kustomization.yaml');
    expect(f.patch).toContain('--- a/apps/user-auth/kustomization.yaml');
    expect(f.patch).toContain('       - LOG_LEVEL=info\n+      - REDIS_URL=redis://redis.prod.svc:6379/0\n');
    // Git already generates a new name: the next sync replaces it.
    const older = { ...live, metadata: { ...live.metadata, name: 'user-auth-config-7c9dbk2h5m' } };
    const g2 = drift(git, [older, argoApp()], gen).findings[0]!;
    expect(g2.check).toBe('fix-will-be-lost');
    expect(g2.message).toContain('git already generates ConfigMap user-auth-config-5f8t2b7m9k');
  });
  it('an env file generator: the patch appends KEY=value to the env file', () => {
    const env = 'REDIS_HOST=redis.prod.svc\nREDIS_PORT=6379\nLOG_LEVEL=info\n';
    const gen = (o: KObject) => {
      if (o.kind !== 'ConfigMap') return;
      o.generated = { generator: 'configMapGenerator', file: 'k/kustomization.yaml', line: 3, hashed: false };
      o.locate = (p) => ({ file: 'k/app.env', line: ({ REDIS_HOST: 1, REDIS_PORT: 2, LOG_LEVEL: 3 } as Record<string, number>)[String(p[1])] ?? 1 });
    };
    const [f] = drift({ 'k/app.env': env, 'r.yaml': USER_AUTH_CM }, [liveConfigMap({ data: ADDED, patched: ['REDIS_URL'] }), argoApp()], gen).findings;
    expect(f!.check).toBe('live-only-key');
    expect(f!.patch).toContain('--- a/k/app.env');
    expect(f!.patch).toContain(' LOG_LEVEL=info\n+REDIS_URL=redis://redis.prod.svc:6379/0\n');
  });
});

describe('pending in git', () => {
  it('a key git has and the cluster does not, and a key ArgoCD wrote that git dropped', () => {
    const live = liveConfigMap({ data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', OLD: 'x' }, argoKeys: ['REDIS_HOST', 'REDIS_PORT', 'OLD'] });
    const { findings } = drift(GIT, [live, argoApp()]);
    expect(findings.map((f) => [f.check, f.key, f.severity])).toEqual([
      ['pending-in-git', 'LOG_LEVEL', 'info'],
      ['pending-in-git', 'OLD', 'info'],
    ]);
    expect(findings[0]!.message).toContain('applies it at the next automated sync');
    expect(findings[1]!.message).toContain('was written by argocd-controller and git at main no longer has it');
  });
  it('an object git declares that is not live', () => {
    const rootCa = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'prod' }, data: { 'ca.crt': 'x' } };
    const { findings } = drift(GIT, [argoApp(), rootCa]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'pending-in-git' });
    expect(findings[0]!.message).toContain('is in git at main and not in the cluster yet');
  });
  it('objects in a namespace the cluster does not have: a skip reason, not findings', () => {
    const { findings, skipped } = drift(GIT, [argoApp()]);
    expect(findings).toEqual([]);
    expect(skipped).toEqual([expect.objectContaining({ what: 'namespace prod', reason: expect.stringContaining('the cluster has no such namespace') })]);
  });
});

describe('ordering', () => {
  it('groups by app, newest manual change first', () => {
    const other = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: billing\n  namespace: prod\ndata:\n  A: "1"\n`;
    const billing = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'billing',
        namespace: 'prod',
        labels: { 'app.kubernetes.io/instance': 'billing' },
        managedFields: [
          managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_ARGO, keys: ['A'] }),
          managedFieldsEntry({ manager: 'kubectl-edit', operation: 'Update', time: '2026-11-21T08:00:00Z', keys: ['B'] }),
        ],
      },
      data: { A: '1', B: '2' },
    };
    const { findings } = drift({ ...GIT, 'apps/billing/cm.yaml': other }, [liveConfigMap({ data: ADDED, patched: ['REDIS_URL'] }), billing, argoApp(), argoApp({ name: 'billing' })]);
    expect(findings.map((f) => (f.details as any).app)).toEqual(['ArgoCD app argocd/billing', 'ArgoCD app argocd/user-auth']);
  });
});

describe('one object, several manual changes', () => {
  it('share one patch that makes them all; the text prints it once', async () => {
    const { renderDriftText } = await import('../../src/drift/text.js');
    const live = liveConfigMap({ data: { ...ADDED, LOG_LEVEL: 'debug' }, patched: ['REDIS_URL', 'LOG_LEVEL'] });
    const { findings } = drift(GIT, [live]);
    expect(findings.map((f) => f.key).sort()).toEqual(['LOG_LEVEL', 'REDIS_URL']);
    expect(findings[0]!.patch).toBe(findings[1]!.patch);
    expect(findings[0]!.patch).toContain('-  LOG_LEVEL: info\n+  LOG_LEVEL: debug\n+  REDIS_URL: redis://redis.prod.svc:6379/0\n');
    const text = renderDriftText({ command: 'drift', findings, skipped: [], checked: [] }, { color: false });
    expect(text.split('+  REDIS_URL:').length).toBe(2);
    expect(text).toContain('patch: the one shown with');
  });
});
