# gitops-image-bot: the GitHub App's production image.
#   docker build -t gitops-image-bot .
#   docker run -p 3000:3000 -e APP_ID=... -e WEBHOOK_SECRET=... -e PRIVATE_KEY="$(base64 -w0 key.pem)" gitops-image-bot
# Node 24 (LTS, supported to April 2028); the app also runs on Node 20.18+ and 22 (package.json engines)
# and uses no API newer than Node 20.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: all dependencies, TypeScript compiled to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; only dev tools (esbuild, jest) have install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies and dist/ only, as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
# Memory: the app's live heap in a 300-build burst stays under 40 MB, but V8 lets the heap grow to several
# times that before it collects (153 MB resident at the burst's peak). A 96 MB old generation and 4 MB
# semi-spaces (Node's defaults: about 2 GB and 16 MB) keep it near 120 MB at the same latency; `npm run
# bench` uses these options. For an installation with many large manifests repositories, raise
# --max-old-space-size (docker run -e NODE_OPTIONS=...) with the container's memory limit.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=96"
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` runs the build, which needs the dev dependencies; dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# No curl in the slim image; node's fetch does it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/start.js"]
