# One image for the API and the worker; docker-compose.yml picks the command.
# Three stages: the build (every dependency), the production dependencies alone, and the runtime, which
# holds only those and the built output, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 BULKHEAD_DATA_DIR=/data
# git: a cluster that takes its changes through git gets them as commits the worker pushes.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=root:root package.json ./
COPY --chown=root:root --from=production-dependencies /app/node_modules ./node_modules
COPY --chown=root:root --from=build /app/dist/apps ./dist/apps
COPY --chown=root:root --from=build /app/dist/libs ./dist/libs
COPY --chown=root:root --from=build /app/dist/migrations ./dist/migrations
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# The API answers /healthz; the worker has no port, and its compose service turns this check off.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
