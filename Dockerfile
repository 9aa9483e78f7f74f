# syntax=docker/dockerfile:1
# Builds an image holding only psflow and CA certificates:
#   docker build -t psflow . && docker run --rm psflow help
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/psflow ./cmd/psflow

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/psflow /psflow
USER 65532:65532
ENTRYPOINT ["/psflow"]
