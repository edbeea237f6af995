# litwatch app image, in two stages: the first installs every dependency and compiles the
# TypeScript to dist/ (`npm ci` runs `prepare`, which is `npm run build`); the second holds
# production dependencies only (no TypeScript, no tsx) and the compiled dist/, and runs as the
# unprivileged `node` user. No src/ in the image: bin/litwatch.js then runs dist/ without
# looking for newer sources.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY jobs ./jobs
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build again, and the compiler is not installed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node bin ./bin
COPY --chown=node:node templates ./templates
COPY --chown=node:node config ./config
# Writable by the app: the vocabulary volume and the outbox (named volumes copy this ownership).
RUN mkdir -p var/vocab var/outbox && chown -R node:node var
USER node
EXPOSE 3000
CMD ["node", "bin/litwatch.js", "start"]
