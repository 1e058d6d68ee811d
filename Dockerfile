# syntax=docker/dockerfile:1
# The container images of the worker and the API (docs/deployment.md), one Dockerfile, two targets:
#   docker build --target worker -t breach-worker:<release> .
#   docker build --target api    -t breach-api:<release> .
# Multi-stage: the build stage has the dev tools and compiles; the images carry production dependencies,
# the compiled entry points and the workflow bundle, owned by root and run as the unprivileged `node`
# user. No secret is built in: keys, the link secret, API tokens and Temporal credentials come from the
# platform's secret store at run time. tests/ops/deployment.test.ts runs these steps locally.
ARG NODE_IMAGE=node:20.19-bookworm-slim

# --- build: compile the entry points, bundle the workflow code ---------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the postinstall fetches the Temporal CLI for local development only.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY activities/ activities/
COPY api/ api/
COPY cli/ cli/
COPY client/ client/
COPY config/ config/
COPY domain/ domain/
COPY exercises/ exercises/
COPY pages/ pages/
COPY reports/ reports/
COPY playbooks/ playbooks/
COPY security/ security/
COPY workers/ workers/
COPY workflows/ workflows/
# The workflow bundles (plain, and traced for workers with an OTLP endpoint) are made here, once per
# release: every worker of the release runs exactly this
# code (its build id), and a worker starts in a second instead of bundling for several.
RUN npm run build:workflows && npm run build:server

# --- production dependencies only -------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- what both images hold --------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY package.json ./
COPY playbooks/ playbooks/
# Loaded by the worker and the clients at run time (failures are encoded, then encrypted).
COPY security/failure-converter.js security/failure-converter.js
COPY --from=build /app/dist/ dist/
USER node

# --- the worker: polls the task queue; metrics on 9464 ----------------------------------------------
FROM runtime AS worker
ENV BREACH_METRICS_PORT=9464 \
    BREACH_METRICS_HOST=0.0.0.0
EXPOSE 9464
# SIGTERM: running activities get the shutdown grace time (workers/main.ts), then the process exits.
STOPSIGNAL SIGTERM
CMD ["node", "dist/workers-main.mjs"]

# --- the API: HTTP on 3000 ----------------------------------------------------------------------------
FROM runtime AS api
ENV BREACH_API_PORT=3000 \
    BREACH_API_HOST=0.0.0.0
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/api-main.mjs"]
