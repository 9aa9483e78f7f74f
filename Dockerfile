# syntax=docker/dockerfile:1
# Builds an image holding only psflow and CA certificates:
#   docker build -t psflow . && docker run --rm psflow help
# The build stage runs on the build machine and cross-compiles with a
# release's flags (internal/dist), so with GO_VERSION and VERSION of a release
# each platform's /psflow is byte for byte that release's binary; the release
# workflow checks it before pushing:
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg GO_VERSION=1.26.8 --build-arg VERSION=v1.2.3 .
ARG GO_VERSION=1.26.8
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS TARGETARCH VERSION=dev
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH GOAMD64=v1 GOARM64=v8.0 GOFLAGS= \
    go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION}" -o /out/psflow ./cmd/psflow

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/psflow /psflow
USER 65532:65532
ENTRYPOINT ["/psflow"]
