/**
 * The Deployment running `ferry serve`. Hardened to pass OpenShift's restricted-v2 SCC and the
 * Kubernetes "restricted" Pod Security Standard unchanged: non-root, read-only root file system, no
 * privilege escalation, no capabilities, RuntimeDefault seccomp. On OpenShift no user or group is
 * fixed, because the SCC assigns one from the namespace's range (and rejects a fixed one outside it);
 * on Kubernetes the image's user 10001 is pinned so `runAsNonRoot` can be verified.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { TargetOptions } from './bootstrap-options.ts';
import {
  CA_KEY,
  CONFIG_DIR,
  CONFIG_FILE,
  CONFIG_KEY,
  DATA_DIR,
  DOCKER_CONFIG_KEY,
  HTTP_PORT,
  SOURCE_CA_DIR,
  SOURCE_CREDENTIALS_DIR,
  TARGET_CA_DIR,
  TARGET_CREDENTIALS_DIR,
  TMP_DIR,
  TOKEN_KEY,
  WEBHOOK_DIR,
  WEBHOOK_KEY,
} from './mount-paths.ts';
import { meta, selectorLabels, targetNames } from './object-meta.ts';
import { targetCa } from './target-ca.ts';

/** The user the ferry image runs as (deploy/kubernetes uses the same). */
export const FERRY_UID = 10001;

/** `ferry serve --grace` default: how long running promotions may finish after SIGTERM. */
const SERVE_GRACE_SECONDS = 30;

/** Secret files readable by the owner and the pod's group (fsGroup) only. */
const SECRET_FILE_MODE = 0o440;

interface Mounted {
  readonly volume: IVolume;
  readonly mount: IVolumeMount;
}

function secretVolume(volume: string, secretName: string, key: string, mountPath: string): Mounted {
  return {
    // `items` projects only the key ferry.yaml names: a Secret with extra keys exposes nothing else.
    volume: {
      name: volume,
      secret: { secretName, items: [{ key, path: key }], defaultMode: SECRET_FILE_MODE },
    },
    mount: { name: volume, mountPath, readOnly: true },
  };
}

function configMapVolume(volume: string, configMap: string, key: string, mountPath: string): Mounted {
  return {
    volume: { name: volume, configMap: { name: configMap, items: [{ key, path: key }] } },
    mount: { name: volume, mountPath, readOnly: true },
  };
}

/** Every volume of the pod, in mount order; the Deployment and the tests both read this list. */
export function ferryVolumes(options: TargetOptions): Mounted[] {
  const names = targetNames(options.name);
  const volumes: Mounted[] = [
    configMapVolume('config', names.configMap, CONFIG_KEY, CONFIG_DIR),
    {
      volume: { name: 'data', persistentVolumeClaim: { claimName: names.dataClaim } },
      mount: { name: 'data', mountPath: DATA_DIR },
    },
    { volume: { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }, mount: { name: 'tmp', mountPath: TMP_DIR } },
    options.sourceAuth === 'token'
      ? secretVolume('source-credentials', names.sourceToken, TOKEN_KEY, SOURCE_CREDENTIALS_DIR)
      : secretVolume('source-credentials', names.sourceAuth, DOCKER_CONFIG_KEY, SOURCE_CREDENTIALS_DIR),
  ];
  if (options.targetAuth === 'auth-file') {
    volumes.push(
      secretVolume('target-credentials', names.targetAuth, DOCKER_CONFIG_KEY, TARGET_CREDENTIALS_DIR),
    );
  }
  volumes.push(secretVolume('webhook-secret', names.webhook, WEBHOOK_KEY, WEBHOOK_DIR));
  if (options.sourceCaConfigMap !== undefined) {
    volumes.push(configMapVolume('source-ca', options.sourceCaConfigMap, CA_KEY, SOURCE_CA_DIR));
  }
  const ca = targetCa(options);
  if (ca !== undefined) volumes.push(configMapVolume('target-ca', ca.configMap, ca.key, TARGET_CA_DIR));
  return volumes;
}

export function ferryDeployment(options: TargetOptions): IDeployment {
  const volumes = ferryVolumes(options);
  const openshift = options.platform === 'openshift';
  const probe = (path: string) => ({ httpGet: { path, port: 'http' } });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(options.name, options.namespace, options.name, 'promotion-service'),
    spec: {
      // One replica with the embedded database: two pods must never open the same data directory, so
      // the old pod stops before the new one starts (several replicas need FERRY_DATABASE_URL).
      replicas: 1,
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(options.name) },
      template: {
        metadata: { labels: meta(options.name, options.namespace, options.name, 'promotion-service').labels },
        spec: {
          serviceAccountName: options.serviceAccount,
          // ferry never calls the Kubernetes API: the projected token is mounted only when it is the
          // push credential (a registry that honours service-account tokens, as OpenShift's does).
          automountServiceAccountToken: options.targetAuth === 'service-account',
          // No injected *_SERVICE_HOST variables: the environment is only what the image sets.
          enableServiceLinks: false,
          // serve lets running copies finish for --grace seconds after SIGTERM; leave room for that.
          terminationGracePeriodSeconds: SERVE_GRACE_SECONDS + 15,
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
            ...(openshift
              ? {}
              : {
                  runAsUser: FERRY_UID,
                  runAsGroup: FERRY_UID,
                  fsGroup: FERRY_UID,
                  fsGroupChangePolicy: 'OnRootMismatch',
                }),
          },
          containers: [
            {
              name: 'ferry',
              image: options.image,
              args: ['serve', '--config', CONFIG_FILE],
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              startupProbe: { ...probe('/healthz'), periodSeconds: 2, failureThreshold: 60 },
              livenessProbe: { ...probe('/healthz'), periodSeconds: 20, failureThreshold: 3 },
              readinessProbe: { ...probe('/readyz'), periodSeconds: 5, failureThreshold: 2 },
              resources: {
                requests: { cpu: '100m', memory: '256Mi' },
                limits: { memory: '1Gi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
                ...(openshift ? {} : { runAsUser: FERRY_UID, runAsGroup: FERRY_UID }),
              },
              volumeMounts: volumes.map((v) => v.mount),
            },
          ],
          volumes: volumes.map((v) => v.volume),
        },
      },
    },
  };
}
