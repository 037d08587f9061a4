# syntax=docker/dockerfile:1
# The platform's own services, as compiled JavaScript (no tsx at run time), in one file with two
# targets that share every layer but the last:
#
#   docker build --target reconciler -t ghcr.io/acme/streamplane-reconciler:<tag> .
#   docker build --target clientapp  -t ghcr.io/acme/streamplane-clientapp:<tag> .
#
# The names and tags are platform.yaml's runtime.reconcilerImage and runtime.clientAppImage; the
# deploy workflow builds and pushes them, and the runtime stack runs them with the same command
# as the ENTRYPOINTs below. The catalog (platform.yaml, topics/, schemas/) is part of the image:
# the reconciler compares the cluster with the catalog it was built from.
ARG NODE_VERSION=20.20.2

# npm ci needs a C++ toolchain: node-rdkafka builds librdkafka from source, with OpenSSL's
# headers for SASL/SCRAM and TLS. Only the two stages below have it; the runtime does not.
FROM node:${NODE_VERSION}-bookworm-slim AS toolchain
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ make python3 libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./

# dist/: `npm run build` (tsc -p tsconfig.build.json). tsc needs the type packages, not the
# native build, so install scripts are skipped here.
FROM toolchain AS build
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# The runtime's node_modules: production dependencies only, node-rdkafka compiled for this base.
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# librdkafka's run-time libraries: OpenSSL and the CA certificates for Confluent Cloud's TLS.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules/ node_modules/
COPY package.json ./
# dist/'s contents at /app: reconciler/server.js finds the catalog at /app (its parent's parent).
COPY --from=build /app/dist/ ./
COPY platform.yaml ./
COPY topics/ topics/
COPY schemas/ schemas/
# The official image's unprivileged `node` user, by number so that Kubernetes' runAsNonRoot can
# check it. The application files stay root's: the services only read them.
USER 1000:1000

# The sample client app: `docker run … <image> --count 100 --topic payment-authorized`.
FROM runtime AS clientapp
ENTRYPOINT ["node", "clientapp/cli.js"]

# The reconciler service (the default target). Its port and the health check are the runtime
# stack's (RECONCILER_PORT, the /healthz liveness probe); RECONCILER_* configure the rest.
FROM runtime AS reconciler
ENV RECONCILER_HOST=0.0.0.0 \
    RECONCILER_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.RECONCILER_PORT + '/healthz', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "reconciler/server.js"]
