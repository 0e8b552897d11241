# A base image with no registry: one local artifact (the Node binary with the shared libraries
# it links, the Toxiproxy binary, or a Go toolchain) laid out in rootfs/ by the harness
# (src/sandbox/docker/images.ts) and copied onto an empty image.
FROM scratch
COPY rootfs/ /
