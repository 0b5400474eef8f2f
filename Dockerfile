# syntax=docker/dockerfile:1
# wfi-rotate: docker build -t wfi-rotate .
# Run (Socket Mode, no public URL needed):
#   docker run -d --name wfi-rotate --read-only -v wfi-rotate-data:/data \
#     -e SLACK_BOT_TOKEN=xoxb-... -e SLACK_APP_TOKEN=xapp-... -e WFI_APPROVERS=U0123ABCD \
#     wfi-rotate
# HTTP mode: drop SLACK_APP_TOKEN, add -e SLACK_SIGNING_SECRET=... and -p 3000:3000.

# ---- build: compile TypeScript, then keep only the runtime dependencies ----
FROM node:22-bookworm-slim AS build
# sqlite3 (under @keyv/sqlite) is compiled from source at install.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm ci` runs `prepare` (tsc -p tsconfig.build.json), so src/ must be here first.
# Pruning here, rather than a fresh `npm ci --omit=dev` later, keeps the
# compiled sqlite3 and does not re-run `prepare` without TypeScript.
RUN npm ci \
 && npm prune --omit=dev \
 && npm cache clean --force \
 && mkdir empty-data

# ---- runtime ----
# Distroless: Node.js and its libraries only, no shell, no package manager, and
# the `nonroot` user (uid 65532) by default. Same Debian 12 base as the build
# stage, so the sqlite3 compiled there links against the same glibc.
FROM gcr.io/distroless/nodejs22-debian12:nonroot
ENV NODE_ENV=production \
    STORE_URL=sqlite:///data/wfi-rotate.sqlite
WORKDIR /app
# The code stays root-owned and read-only to the app; only /data is writable,
# so `docker run --read-only -v wfi-rotate-data:/data …` works (the app writes
# nothing else; test/integration/production-install.test.ts checks that).
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# No shell to mkdir/chown with: an empty directory owned by nonroot becomes the volume.
COPY --from=build --chown=65532:65532 /app/empty-data /data
VOLUME ["/data"]
USER nonroot
EXPOSE 3000
# No curl and no shell: node probes /healthz (200 only when the store answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# The image's ENTRYPOINT is node itself, in exec form: node is PID 1 and
# receives SIGTERM (it stops taking work, finishes what is in flight and
# closes the store); `npm start` would not pass it on, and there is no npm here.
CMD ["dist/src/index.js"]
