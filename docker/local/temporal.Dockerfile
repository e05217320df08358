# The Temporal dev server (all services in one process, SQLite file in /var/lib/temporal) from the
# pinned Temporal CLI binary (scripts/install-temporal.sh), on the debootstrapped base
# (docker/build-images.sh). Ports come from the environment (host networking: every container on
# the machine's loopback needs its own): TEMPORAL_PORT (gRPC frontend), TEMPORAL_UI_PORT (empty:
# no Web UI), TEMPORAL_HTTP_PORT and TEMPORAL_METRICS_PORT (empty: a free port), TEMPORAL_IP.
ARG BASE_IMAGE=ballast-base:bookworm
FROM ${BASE_IMAGE}
COPY temporal /usr/local/bin/temporal
COPY temporal-entrypoint.sh /usr/local/bin/temporal-entrypoint.sh
RUN groupadd --system --gid 10002 temporal \
 && useradd --system --uid 10002 --gid temporal --home-dir /var/lib/temporal --shell /usr/sbin/nologin temporal \
 && mkdir -p /var/lib/temporal \
 && chown temporal:temporal /var/lib/temporal
ENV TEMPORAL_IP=127.0.0.1 \
    TEMPORAL_PORT=7233 \
    TEMPORAL_UI_PORT=8233 \
    TEMPORAL_HTTP_PORT= \
    TEMPORAL_METRICS_PORT= \
    TEMPORAL_LOG_LEVEL=warn
VOLUME /var/lib/temporal
USER 10002:10002
HEALTHCHECK --interval=2s --timeout=5s --start-period=30s --retries=15 \
  CMD temporal operator cluster health --address "$TEMPORAL_IP:$TEMPORAL_PORT" | grep -q SERVING || exit 1
ENTRYPOINT ["/usr/local/bin/temporal-entrypoint.sh"]
