# syntax=docker/dockerfile:1
# The ATP API image. Bun is pinned to the version package-lock.json installs (test/deploy checks they
# agree), and test/deploy/container-smoke.ts replays these steps outside Docker in CI.

# Production dependencies, from package-lock.json: Bun migrates it in memory, and --frozen-lockfile fails
# if package.json and the lock disagree. Optional dependencies are only the embedded PostgreSQL binaries
# (60 MB) and pg-cloudflare: a container always uses DATABASE_URL, never the embedded server.
FROM oven/bun:1.4.5-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall script patches postgres.js (porsager/postgres#1208); Bun runs it as node.
COPY scripts/patch-postgres.mjs ./scripts/
RUN bun install --frozen-lockfile --production --omit=optional

FROM oven/bun:1.4.5-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production PORT=8002 HOST=0.0.0.0
# Root-owned and read-only for the app user: the process can write nothing but its logs (stdout).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY drizzle ./drizzle
COPY src ./src
# The console's source: Bun bundles it at start-up (no build step, no separate frontend server).
COPY web ./web
USER bun
EXPOSE 8002
# SIGTERM starts the app's graceful shutdown (bounded by SHUTDOWN_TIMEOUT_MS, 10 s by default); compose
# gives it stop_grace_period (15 s) before SIGKILL.
STOPSIGNAL SIGTERM
# The slim image has no curl: Bun itself probes the no-I/O liveness route.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bun", "-e", "const r = await fetch('http://127.0.0.1:' + process.env.PORT + '/ping_fast', { signal: AbortSignal.timeout(2000) }); process.exit(r.ok ? 0 : 1)"]
CMD ["bun", "src/main.ts"]
