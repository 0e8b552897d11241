# The client host: the component image plus the Go toolchain under test, from GO_IMAGE (the local
# base made from this machine's GOROOT, or the official golang image).
ARG COMPONENT_IMAGE
ARG GO_IMAGE
FROM ${GO_IMAGE} AS go
FROM ${COMPONENT_IMAGE}
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin
