# ringcache container image: a multi-stage build (compile with dev dependencies, run with production ones only) as a non-root user.
#
#   docker build -t ringcache .
#   docker run -p 8080:8080 -p 9080:9080 -e RINGCACHE_REQUIREPASS=... ringcache
#
# The node binds every interface inside the container, so protected mode (Redis's rule: no password,
# non-loopback client -> refused) applies: set RINGCACHE_REQUIREPASS, or ACL users, for clients from
# outside the container. A cluster of containers needs RINGCACHE_CLUSTER_SECRET on every member
# (docker-compose.cluster.yml, deploy/kubernetes/). Data lives in the /data volume.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: nothing the build needs compiles natively (msgpackr-extract is an optional speed-up of a test dependency).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cmd ./cmd
COPY internal ./internal
COPY scripts ./scripts
RUN npm run build
# The runtime stage's /data and /logs, owned by the node user (copied over: the runtime stage runs no mkdir as root).
RUN mkdir -p volumes

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache goes to /tmp and is removed in the same layer, so the image carries none.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --cache /tmp/ringcache-npm-cache && rm -rf /tmp/ringcache-npm-cache
COPY --from=build /src/dist ./dist
COPY configs/container.yaml ./configs/container.yaml
COPY --from=build --chown=node:node /src/volumes /data
COPY --from=build --chown=node:node /src/volumes /logs
USER node
VOLUME ["/data"]
# RESP, HTTP, gossip (UDP for probes, TCP for push-pull sync).
EXPOSE 8080 9080 18080/udp 18080/tcp
# /health answers 200 while the process serves; node is in the image, curl is not.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RINGCACHE_HTTP_PORT||'9080')+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: it leaves the cluster, hands its slots off and saves before exiting.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/cmd/ringcache/main.js", "--config", "configs/container.yaml"]
