# One image for the worker and the web/API server; the command chooses (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts/tools.js scripts/tools.js
# The image talks to a real Temporal server: the dev-server and test-server tools are not needed.
ENV COORD_SKIP_TOOLS=1
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production COORD_SKIP_TOOLS=1 DATA_DIR=/data
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/package.json package.json
COPY mechanisms mechanisms
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/src/api/main.js"]
