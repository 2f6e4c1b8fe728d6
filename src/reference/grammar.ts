/**
 * Building blocks of the distribution reference grammar, kept as anchored regular expressions so each
 * part of a reference can be checked on its own and a rejection can say *which* part is wrong.
 *
 * Source: github.com/distribution/reference regexp.go, and the fork skopeo actually uses,
 * github.com/containers/image docker/reference (identical grammar, different normalisation).
 */

/** `path-component := alpha-numeric [separator alpha-numeric]*`, separator `[._]|__|[-]+`. */
export const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * `domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/`. Uppercase is allowed here
 * (DNS names are case-insensitive), unlike in path components.
 */
export const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

/**
 * `ipv6address := \[(?:[a-fA-F0-9:]+)\]` — compressed or full form only; zone identifiers (RFC 6874,
 * `%eth0`) and IPv4-mapped forms are deliberately excluded by the upstream grammar.
 */
export const IPV6_HOST_RE = /^\[[a-fA-F0-9:]+\]$/;

/** `tag := /[\w][\w.-]{0,127}/` (from docker/docker graph/tags.go). */
export const TAG_RE = /^\w[\w.-]{0,127}$/;
export const TAG_MAX_LENGTH = 128;

/** `digest-algorithm` components joined by `[+._-]` (reference.go grammar). */
export const DIGEST_ALGORITHM_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/;

/**
 * Registered algorithms we accept and the exact encoded form go-digest's Validate() demands:
 * lowercase hex of the algorithm's output size (uppercase hex is rejected by go-digest too).
 */
export const DIGEST_ENCODINGS: Readonly<Record<string, { readonly hexLength: number }>> = Object.freeze({
  sha256: Object.freeze({ hexLength: 64 }),
  sha512: Object.freeze({ hexLength: 128 }),
});

/**
 * A bare 64-hex string is an image ID, not a name (`ParseNormalizedNamed`: "cannot specify 64-byte
 * hexadecimal strings"). With a domain (`docker.io/<64 hex>`) it is a valid name.
 */
export const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** containers/image `NameTotalLengthMax`: applies to the full normalised name (domain + "/" + path). */
export const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * OCI image-spec `org.opencontainers.image.ref.name` grammar, as containers/image oci/internal
 * ValidateImageName checks the part after `oci:PATH:` (components of alphanumerics joined by
 * `[-._:@+]` or `--`, separated by `/`).
 */
export const OCI_REF_NAME_RE =
  /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;
