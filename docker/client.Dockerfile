# The client host: Node with git (NODE_IMAGE: git.Dockerfile or git-official.Dockerfile on the
# node base), the Go toolchain under test (from GO_IMAGE: the local base made from this
# machine's GOROOT, or the official golang image) and the harness's code. The toolchain comes
# before the code (from APP_IMAGE, assembled once for this image and the component's), so a
# change of the code reuses the toolchain's layer. The code host (vcs) container runs this
# image too: it has git.
ARG NODE_IMAGE
ARG GO_IMAGE
ARG APP_IMAGE
FROM ${GO_IMAGE} AS go
FROM ${APP_IMAGE} AS app
FROM ${NODE_IMAGE}
COPY --from=go /usr/local/go /usr/local/go
COPY --from=app /opt/gomod-chaos/ /opt/gomod-chaos/
WORKDIR /opt/gomod-chaos
ENV PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin NODE_ENV=production
