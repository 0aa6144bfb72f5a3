# syntax=docker/dockerfile:1
# One image for the three services; compose picks the entry point per service.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# 3000: the gateway (API, health, metrics); 3101, 3102: health and metrics of rooms and routing
EXPOSE 3000 3101 3102
CMD ["node", "dist/apps/gateway/apps/gateway/src/main.js"]
