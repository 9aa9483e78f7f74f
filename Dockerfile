# syntax=docker/dockerfile:1
# Two images of psflow, for linux/amd64 and linux/arm64:
#   the default target, FROM scratch: psflow and CA certificates only, for
#   `docker run` (ENTRYPOINT /psflow, a non-root user):
#     docker build -t psflow . && docker run --rm psflow help
#   --target shell: Debian slim with sh, bash, git and CA certificates and
#   psflow on PATH, no ENTRYPOINT, as root: a job image for GitLab CI, AWS
#   CodeBuild and any CI that runs its script in the job's container:
#     docker build --target shell -t psflow:shell .
#
# BINARY selects where /psflow comes from. "source" (the default) builds it
# here, cross-compiling on the build machine with a release's flags
# (internal/dist; a test holds this go build to them), so with the Go of a
# release and VERSION set to its tag it is byte for byte that release's
# binary. "release" takes the binary GoReleaser built from the build
# context's $TARGETPLATFORM/psflow, as dockers_v2 in .goreleaser.yaml lays
# it out: the release's images hold the very binaries checked against
# entrypoint/release.json.
#
# Base images are pinned by the digest of their multi-platform index, as
# the Docker official images' record (github.com/docker-library/repo-info)
# lists it for the tag named beside it; update tag and digest together.
ARG BINARY=source

# golang:1.26.8-trixie: repos/golang/remote/1.26.8-trixie.md at repo-info
# commit 274d39a50141ecda8745a0ebaa20760259111041.
FROM --platform=$BUILDPLATFORM golang:1.26.8-trixie@sha256:771f3162219f7a66bb6be3fea1ba31f418932946a99ad9eac26ffd555dfcf393 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS TARGETARCH VERSION=dev
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH GOAMD64=v1 GOARM64=v8.0 GOFLAGS= \
    go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION}" -o /out/psflow ./cmd/psflow

FROM scratch AS source
COPY --from=build /out/psflow /psflow

FROM scratch AS release
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/psflow /psflow

FROM ${BINARY} AS binary

# debian:trixie-20260918-slim: repos/debian/remote/trixie-20260918-slim.md
# at repo-info commit 0de62c7b27b3407abe87eb16449e612934d145e2. A dated tag:
# the Debian release is fixed; its packages are the current ones of that
# release when the image is built.
FROM debian:trixie-20260918-slim@sha256:a99cfc517144bc59b1978475ec53b46ecabec7e43635402ee5b77cc54cd1b20a AS certs
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

FROM certs AS shell
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
COPY --from=binary /psflow /usr/local/bin/psflow
# psflow is the job's tool, not its command: the CI runs its own script.
CMD ["bash"]

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=binary /psflow /psflow
USER 65532:65532
ENTRYPOINT ["/psflow"]
