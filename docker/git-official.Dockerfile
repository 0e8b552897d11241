# git on the official node image (GOMOD_CHAOS_IMAGES=official): Debian's package, from its
# archive. Needs a registry and the Debian archive; not exercised on machines that reach neither.
ARG NODE_IMAGE
FROM ${NODE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
