/**
 * A parsed, normalised image reference (distribution/reference grammar).
 * `registry` is the canonical host[:port] (Docker Hub is `docker.io`), `repository` the full path
 * (Docker Hub single-component names get `library/`). At least one of tag / digest is set once
 * `withDefaultTag` has been applied; a reference may carry both (`name:tag@sha256:…`), in which case
 * the digest wins for pulls, as in docker and skopeo.
 */
export interface ImageReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

/** Transport-qualified reference as accepted on the command line (skopeo syntax). */
export type TransportReference =
  | { readonly transport: 'docker'; readonly ref: ImageReference }
  | { readonly transport: 'oci'; readonly path: string; readonly refName?: string | undefined }
  | { readonly transport: 'oci-archive'; readonly path: string; readonly refName?: string | undefined }
  | { readonly transport: 'dir'; readonly path: string }
  | {
      readonly transport: 'docker-archive';
      readonly path: string;
      /** `docker-archive:FILE:NAME:TAG`: normalised, always tagged, never a digest. */
      readonly ref?: ImageReference | undefined;
      /** `docker-archive:FILE:@N`: the N-th manifest.json entry (sources only). */
      readonly index?: number | undefined;
    };
