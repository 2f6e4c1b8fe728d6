/**
 * Why ferry does not implement a skopeo transport, for the refusal message (exit 2): a pipeline that
 * names one learns what to use instead rather than only that it failed.
 */
export const UNSUPPORTED_TRANSPORT_REASONS: Readonly<Record<string, string>> = {
  'containers-storage':
    'it is the local image store of podman/buildah (containers/storage with its graph drivers); push from podman, or copy through oci: / docker://',
  'docker-daemon':
    "it talks to a local Docker Engine's API; use `docker push`, or `docker save` and copy the archive",
  sif: 'Singularity/Apptainer images are outside what ferry promotes',
  ostree: 'OSTree repositories are outside what ferry promotes',
  tarball: 'bare layer tarballs without a manifest are outside what ferry promotes',
};
