/**
 * A complete, commented ferry.yaml: the seed system's setup (OpenShift non-prod → prod, Jenkins
 * triggering after tests) done the ferry way. Tests parse it, so it cannot drift from the schema; docs
 * and `ferry serve --print-example-config` can show it as is.
 */
export const EXAMPLE_CONFIG = `# ferry.yaml: configuration of \`ferry serve\`.
# Secrets are never written here: they are references to files ({ file: … }) or environment variables
# ({ env: … }), so this file can live in a ConfigMap. Files are re-read whenever they are used, so rotated
# Kubernetes secrets and service-account tokens are picked up without a restart.
# Relative paths resolve against the directory of this file.

version: 1

server:
  listen: 0.0.0.0:8080                          # host:port to bind (default 0.0.0.0:8080)
  publicUrl: https://ferry.apps.prod.example.com  # external URL, used in approval links and notifications
  dataDir: /var/lib/ferry                        # embedded database and state (default ./ferry-data)
  # databaseUrl: { env: FERRY_DATABASE_URL }     # PostgreSQL; default: that variable if set, else embedded

environments:
  nonprod:
    # The registry ferry pulls from. host[:port], no scheme.
    registry: docker-registry-default.apps.nonprod.example.com
    # The name OpenShift puts in webhook bodies and events; recognised, never connected to.
    aliases: [docker-registry.default.svc:5000]
    tls:
      verify: true                                # the default; never turn it off to "make it work"
      caFile: /etc/ferry/ca/nonprod-ca.crt        # extra CA for this registry, added to the system roots
    credentials:
      # A pull-only service-account token from the non-prod cluster, mounted from a Secret.
      tokenFile: /var/run/secrets/ferry/nonprod/token
      username: ferry                             # OpenShift ignores it for SA tokens (default "ferry")
  prod:
    registry: docker-registry-default.apps.prod.example.com
    aliases: [image-registry.openshift-image-registry.svc:5000]
    credentials:
      # ferry's own service account in prod (push-only role): the projected token, rotated by kubelet.
      tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token

promotions:
  # Team A ships every commit that passed non-prod tests; the tag is the git SHA.
  - name: team-a
    description: Team A services, promoted by the non-prod pipeline after acceptance tests
    from: nonprod:team-a/*                        # * = one path segment, ** = one or more
    to: prod:team-a/*                             # same wildcards, same order; the tag is kept
    tags: '[0-9a-f]{7,40}'                        # whole tag must match: abbreviated or full git SHAs
    immutableTags: true                           # never move a prod tag to a different digest (default)
    copySignatures: true                          # bring cosign signatures, attestations, SBOMs (default)
    # Who may ask (each enabled under triggers:). Default: every trigger except registry events
    # (distribution, harbor), which a rule must list to be promoted by a push.
    triggers: [standardWebhooks, openshift, api]

  # Payments: signed images only, and two people other than the requester must approve.
  - name: payments
    from: nonprod:payments/**
    to: prod:payments/**
    tags: 'v[0-9]+\\.[0-9]+\\.[0-9]+'
    approvals:
      required: 2                                 # distinct approvers (default 0)
      approvers:                                  # default: every token and person that can approve this rule
        - alice                                   # API tokens, by name
        - bob
        - group: release-managers                 # people signed in: by group, email or subject
        - email: carol@example.com
      allowSelfApproval: false                    # the requester never counts (default)
    signature:                                    # docs/signatures.md
      required: true                              # signed with this cosign key (classic .sig or v3 bundle)
      publicKeyFiles: [/etc/ferry/keys/payments-cosign.pub]
      trustedRootFile: /etc/ferry/sigstore/trusted_root.json   # Rekor keys: the signature must be logged
    attest:                                       # sign a promotion attestation onto the prod image
      keyFile: { file: /var/run/secrets/ferry/attest/cosign.key }  # cosign generate-key-pair key (ECDSA P-256)
      passphrase: { file: /var/run/secrets/ferry/attest/password } # its COSIGN_PASSWORD (omit for a plain PEM key)

triggers:
  api:
    enabled: true                                 # POST /api/v1/promotions with a promoter token (default)
  standardWebhooks:                               # what \`ferry trigger\` sends from CI
    enabled: true
    secrets:
      - file: /var/run/secrets/ferry/webhooks/standard   # list two during rotation
  github:
    enabled: false
  openshift:                                      # the seed pipeline's generic webhook, for migration
    enabled: true
    secrets:
      - env: FERRY_OPENSHIFT_WEBHOOK_SECRET
  distribution:                                   # registry push notifications; a rule must list
    enabled: false                                # "distribution" in its triggers to be promoted by one
  harbor:
    enabled: false

notify:
  - name: team-chat
    url: https://hooks.example.com/ferry
    secret: { file: /var/run/secrets/ferry/notify/team-chat }   # Standard Webhooks signing secret
    events: [awaiting-approval, succeeded, failed, rejected]     # default: all events
  - name: payments-audit
    url: https://audit.example.com/hooks/ferry
    secret: { env: FERRY_AUDIT_HOOK_SECRET }
    promotions: [payments]                        # only this rule's events (default: every rule)

# Callers of the API. Only the SHA-256 of each token is stored: \`printf %s "$TOKEN" | sha256sum\`.
# (The hashes below are random, with no known token: replace them with your own.)
apiTokens:
  - name: jenkins-nonprod
    role: promoter                                # viewer | promoter | approver | admin
    sha256: 0f5fb7e9c43d1d82e203d975c109c7842c83ee47e27daf851686f76f299b728b
    promotions: [team-a, payments]                # may request only these rules (default: all)
  - name: alice
    role: approver
    sha256: 5e28350f13d69aa913f416d85ce9acb6de4105654efa60968553f20471a3b57a
  - name: bob
    role: approver
    sha256: 75f3f4098d370242218f85b07093b46e3c16e1d043d736b5d75dcd38adc8fff9
  - name: carol
    role: admin
    sha256: f596307d9dad151b834e0e5e18f2f8b845cbe121c9d6423d4518273bb8ceec71
  - name: dashboard
    role: viewer
    sha256: d89a947d53a8178fab03a89742d1a8dc7616971f3573fb67532db37f9abe1fd7

# People sign in to the dashboard with the company's identity provider (OpenID Connect; docs/sign-in.md).
# The redirect URL registered there is server.publicUrl + /auth/callback, the post-logout redirect URL
# server.publicUrl + / (sign-out ends the provider's session too).
auth:
  oidc:
    issuer: https://login.example.com/realms/corp  # discovery at <issuer>/.well-known/openid-configuration
    clientId: ferry
    clientSecret: { file: /var/run/secrets/ferry/oidc/client-secret }
    scopes: [openid, email, profile, groups]
    roles:                                        # a matcher or a list; a person gets every role that matches
      viewer: { anyone: true }                    # everyone who can sign in may look
      approver: { groups: [release-managers], promotions: [payments] }   # groups claim, limited to rules
      admin: { emails: [carol@example.com] }
  session:
    key: { file: /var/run/secrets/ferry/session/key }  # 32+ bytes, the same on every replica (default: generated)
    ttlSeconds: 28800                             # a sign-in lasts 8 hours (the default)
`;
