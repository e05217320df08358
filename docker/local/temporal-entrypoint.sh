#!/bin/sh
# Runs `temporal server start-dev` as PID 1 (exec) on the ports of the environment, keeping its state
# in /var/lib/temporal/temporal.db (a restarted container finds its workflows again). Arguments are
# passed on, e.g. --search-attribute NAME=TYPE or --namespace NAME.
set -eu
set -- --ip "$TEMPORAL_IP" --port "$TEMPORAL_PORT" --db-filename /var/lib/temporal/temporal.db \
  --log-level "$TEMPORAL_LOG_LEVEL" "$@"
if [ -n "${TEMPORAL_UI_PORT:-}" ]; then
  set -- "$@" --ui-ip "$TEMPORAL_IP" --ui-port "$TEMPORAL_UI_PORT" --ui-disable-news-fetch
else
  set -- "$@" --headless
fi
[ -z "${TEMPORAL_HTTP_PORT:-}" ] || set -- "$@" --http-port "$TEMPORAL_HTTP_PORT"
[ -z "${TEMPORAL_METRICS_PORT:-}" ] || set -- "$@" --metrics-port "$TEMPORAL_METRICS_PORT"
exec /usr/local/bin/temporal server start-dev "$@"
