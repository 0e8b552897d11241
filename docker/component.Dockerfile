# The image of every host of the fake internet (DNS, firewall, origin, corporate proxy, and the
# WAN's Toxiproxy). NODE_IMAGE and TOXIPROXY_IMAGE are either the local bases assembled from this
# machine's artifacts (local.Dockerfile, the default: no registry needed) or the official
# images (node:24-bookworm-slim and ghcr.io/shopify/toxiproxy), chosen by GOMOD_CHAOS_IMAGES.
ARG NODE_IMAGE
ARG TOXIPROXY_IMAGE
FROM ${TOXIPROXY_IMAGE} AS toxiproxy
FROM ${NODE_IMAGE}
COPY --from=toxiproxy /toxiproxy /usr/local/bin/toxiproxy-server
# the harness itself (its own code and production dependencies): the agent of each container
COPY app/ /opt/gomod-chaos/
WORKDIR /opt/gomod-chaos
ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_ENV=production
