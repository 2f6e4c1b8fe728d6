/**
 * Where the target Deployment mounts things, and therefore the paths the generated ferry.yaml refers
 * to. One table, so the config and the Deployment cannot disagree (test/bootstrap checks every path in
 * the config against the Deployment's mounts).
 */

/** ConfigMap `<name>-config`, key `ferry.yaml`; `serve --config` points here. */
export const CONFIG_DIR = '/etc/ferry';
export const CONFIG_KEY = 'ferry.yaml';
export const CONFIG_FILE = `${CONFIG_DIR}/${CONFIG_KEY}`;

/** Embedded database and state (server.dataDir): a PersistentVolumeClaim, so the audit trail survives restarts. */
export const DATA_DIR = '/var/lib/ferry';

/** Node and PGlite write temporary files; the root file system is read-only. */
export const TMP_DIR = '/tmp';

/** Secret with the source registry credential (key `token` or `.dockerconfigjson`). */
export const SOURCE_CREDENTIALS_DIR = '/var/run/secrets/ferry/nonprod';
/** Secret with the target registry auth file, when ferry's own service account is not used. */
export const TARGET_CREDENTIALS_DIR = '/var/run/secrets/ferry/prod';
/** Secret with the Standard Webhooks signing secret, key `secret`. */
export const WEBHOOK_DIR = '/var/run/secrets/ferry/webhook';

/** Key of a token Secret (`--from-file=token=…`). */
export const TOKEN_KEY = 'token';
/** Key of a `kubernetes.io/dockerconfigjson` Secret: a docker config.json, which ferry reads as an auth file. */
export const DOCKER_CONFIG_KEY = '.dockerconfigjson';
export const WEBHOOK_KEY = 'secret';

/** CA ConfigMaps (key `ca.crt`); outside /etc/ferry because a mount inside a ConfigMap volume cannot be created. */
export const SOURCE_CA_DIR = '/etc/ferry-ca/nonprod';
export const TARGET_CA_DIR = '/etc/ferry-ca/prod';
export const CA_KEY = 'ca.crt';
/** Key OpenShift's service-ca operator writes into a ConfigMap annotated inject-cabundle (target-ca.ts). */
export const SERVICE_CA_KEY = 'service-ca.crt';

/** Where kubelet projects the pod's own service-account token (rotated in place; ferry re-reads it). */
export const SERVICE_ACCOUNT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The port `serve` listens on (server.listen) and the Service exposes. */
export const HTTP_PORT = 8080;
