# PostgreSQL from Debian's package on the debootstrapped base (docker/build-images.sh), shaped like
# the official image for the compose stack: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB create
# the role and database on first start; PGPORT (default 5432) and PGHOST_LISTEN (default 127.0.0.1:
# with host networking the server stays on loopback) choose where it listens. Data in PGDATA.
ARG BASE_IMAGE=ballast-base:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
 && { pg_dropcluster 15 main 2>/dev/null || true; }
COPY postgresql-entrypoint.sh /usr/local/bin/postgresql-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    PGPORT=5432 \
    PGHOST_LISTEN=127.0.0.1
RUN mkdir -p "$PGDATA" /var/run/postgresql && chown -R postgres:postgres "$PGDATA" /var/run/postgresql
VOLUME /var/lib/postgresql/data
USER postgres
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=10 \
  CMD pg_isready -q -h "$PGHOST_LISTEN" -p "$PGPORT" -d postgres || exit 1
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgresql-entrypoint.sh"]
