# syntax=docker/dockerfile:1
# The production image: `docker build -t entra-teams-idm .` from a clean checkout (README, "Running in production").
# Stage 1 installs every dependency and runs `npm run build` (tsc to dist/, the CLI bundle, the tab with Vite), then
# drops the development dependencies; stage 2 holds only the build output, package.json and the production
# node_modules, and runs as the unprivileged `node` user. test/integration/backbone/production-image.test.ts checks
# these stages against the build output.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches; botbuilder's postinstall runs npx.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV npm_config_yes=true
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-server.mjs scripts/build-server.mjs
COPY src src
COPY server server
COPY bot bot
COPY tab tab
COPY sim sim
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    APP_MODE=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json package.json
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/tab/web/dist tab/web/dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/server/healthcheck.js"]
CMD ["node", "dist/server/main.js"]
