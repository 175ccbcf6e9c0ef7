# One image per service, chosen with the SERVICE build argument:
#   docker build --build-arg SERVICE=Missions -t ece/missions .
# (docker-compose.yml builds all five.)
#
# Swift 6.2 is the oldest toolchain the pinned dependencies accept (several declare
# swift-tools-version 6.2); override SWIFT_VERSION to match the toolchain used locally.
ARG SWIFT_VERSION=6.2

# ---- build ----------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<Inscriptions|Missions|Referentiel|Correction|Gateway>" >&2; exit 1; }

# rabbitmq-c 0.11 (the CRabbitMQ system library, found through pkg-config) and OpenSSL for amqps.
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends librabbitmq-dev libssl-dev libhpdf-dev libqrencode-dev libzip-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /build
# Resolve dependencies in their own layer, so editing the sources does not refetch them.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve

COPY . .
# Static Swift runtime: the runtime image then needs only Debian's C libraries. The gateway's pages
# (Mustache templates, CSS, JS) are its SwiftPM resource bundle, copied next to the binary where
# Bundle.module looks first (WEB_ROOT can point at another copy).
RUN swift build -c release --product "$SERVICE" --static-swift-stdlib \
 && bin="$(swift build -c release --show-bin-path)" \
 && mkdir -p /out \
 && cp "$bin/$SERVICE" /out/service \
 && if [ "$SERVICE" = Gateway ]; then cp -R "$bin/ece_Gateway.resources" /out/; fi \
 && { cp /usr/libexec/swift/linux/swift-backtrace-static /out/ 2>/dev/null || true; }

# ---- runtime --------------------------------------------------------------------------------
FROM debian:bookworm-slim
ARG SERVICE
LABEL org.opencontainers.image.title="ece-${SERVICE}"

# librabbitmq4 = rabbitmq-c 0.11 at run time; libharu, libqrencode, libzip for the evaluation sheets; curl for HEALTHCHECK; ca-certificates for amqps/TLS.
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends librabbitmq4 libssl3 libhpdf-2.3.0 libqrencode4 libzip4 ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin ece

WORKDIR /app
COPY --from=build --chown=ece:ece /out/ /app/
USER ece

# Readable crash reports from a statically linked binary.
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/app/swift-backtrace-static
# Listen on every interface inside the container; PORT, DATABASE_URL, AMQP_URL… come from the
# orchestrator (see docker-compose.yml, and scripts/services.sh for the full list).
ENV HOST=0.0.0.0 \
    LOG_LEVEL=info
# glibc gives each busy thread a heap arena of its own (up to 8 per core). With two, the full
# national bench's peaks went down (Correction 156 -> 145 MB, Inscriptions 85 -> 71) at no
# measurable cost in throughput.
ENV MALLOC_ARENA_MAX=2

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT:-8080}/health" >/dev/null || exit 1

ENTRYPOINT ["/app/service"]
