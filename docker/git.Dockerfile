# git on the node base, for the client (go's direct VCS fetches run git) and the code host (git
# http-backend): this machine's git binaries with the shared libraries they link that the node
# base lacks, laid out in rootfs/ by the harness (src/sandbox/docker/images.ts). No registry.
ARG NODE_IMAGE
FROM ${NODE_IMAGE}
COPY rootfs/ /
