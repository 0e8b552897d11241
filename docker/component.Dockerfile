# The image of every host of the fake internet (DNS, firewall, origin, corporate proxy, and the
# WAN's Toxiproxy). NODE_IMAGE and TOXIPROXY_IMAGE are either the local bases assembled from this
# machine's artifacts (local.Dockerfile, the default: no registry needed) or the official
# images (node:24-bookworm-slim and ghcr.io/shopify/toxiproxy), chosen by GOMOD_CHAOS_IMAGES.
# APP_IMAGE holds the harness itself (its own code and production dependencies, assembled once
# for this image and the client's): the agent of each container.
ARG NODE_IMAGE
ARG TOXIPROXY_IMAGE
ARG APP_IMAGE
FROM ${TOXIPROXY_IMAGE} AS toxiproxy
FROM ${APP_IMAGE} AS app
FROM ${NODE_IMAGE}
COPY --from=toxiproxy /toxiproxy /usr/local/bin/toxiproxy-server
COPY --from=app /opt/gomod-chaos/ /opt/gomod-chaos/
WORKDIR /opt/gomod-chaos
ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_ENV=production
