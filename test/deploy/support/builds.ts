/**
 * The three installations deploy/ offers, built once per test file, with typed access to their parts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { buildKustomization, nameOf } from './kustomize.ts';
import { DEPLOY, isObject, type JsonObject } from './repo-files.ts';

export const VARIANTS = {
  /** deploy/kubernetes: the base as is (embedded database). */
  kubernetes: join(DEPLOY, 'kubernetes'),
  postgresql: join(DEPLOY, 'kubernetes/overlays/postgresql'),
  openshift: join(DEPLOY, 'openshift'),
} as const;
export type Variant = keyof typeof VARIANTS;

export interface Installation {
  readonly variant: Variant;
  readonly objects: JsonObject[];
  readonly files: string[];
}

export async function buildAll(): Promise<Installation[]> {
  return Promise.all(
    (Object.keys(VARIANTS) as Variant[]).map(async (variant) => ({
      variant,
      ...(await buildKustomization(VARIANTS[variant])),
    })),
  );
}

export function find(objects: readonly JsonObject[], kind: string, name?: string): JsonObject | undefined {
  return objects.find((o) => o.kind === kind && (name === undefined || nameOf(o) === name));
}

export function findAll(objects: readonly JsonObject[], kind: string): JsonObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one Deployment of an installation (schema-validated elsewhere, so the cast is safe). */
export function deploymentOf(objects: readonly JsonObject[]): IDeployment {
  const deployments = findAll(objects, 'Deployment');
  assert.equal(deployments.length, 1, 'exactly one Deployment');
  return deployments[0] as unknown as IDeployment;
}

export function podSpecOf(deployment: IDeployment): IPodSpec {
  const spec = deployment.spec?.template.spec;
  assert.ok(spec, 'Deployment without a pod spec');
  return spec;
}

export function podLabelsOf(deployment: IDeployment): Record<string, string> {
  return deployment.spec?.template.metadata?.labels ?? {};
}

/** Whether a label selector's matchLabels all hold for `labels`. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  const match =
    typeof selector === 'object' && selector !== null && 'matchLabels' in selector
      ? (selector as { matchLabels?: Record<string, string> }).matchLabels
      : (selector as Record<string, string> | undefined);
  if (match === undefined || Object.keys(match).length === 0) return false;
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** The `spec` of the object of `kind` (and `name`); fails the test if there is none. */
export function specOf(objects: readonly JsonObject[], kind: string, name?: string): JsonObject {
  const spec = find(objects, kind, name)?.spec;
  assert.ok(isObject(spec), `no ${kind}${name === undefined ? '' : ` ${name}`} with a spec`);
  return spec;
}
