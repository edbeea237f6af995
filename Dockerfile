# litwatch app image: production dependencies only, runs as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --chown=node:node bin ./bin
COPY --chown=node:node src ./src
COPY --chown=node:node jobs ./jobs
COPY --chown=node:node templates ./templates
COPY --chown=node:node config ./config
# Writable by the app: the vocabulary volume and the outbox (named volumes copy this ownership).
RUN mkdir -p var/vocab var/outbox && chown -R node:node var
USER node
EXPOSE 3000
CMD ["node", "bin/litwatch.js", "start"]
