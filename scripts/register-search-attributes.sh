#!/usr/bin/env sh
# Registers Ballast's custom search attributes in a Temporal namespace, so that jobs can be
# filtered by type, stage and progress in the Web UI and in `ballast list` visibility queries.
# Idempotent: an attribute that already exists is left alone.
#
#   TEMPORAL_ADDRESS=127.0.0.1:7233 TEMPORAL_NAMESPACE=default scripts/register-search-attributes.sh
#
# With the docker setup, run it inside the admin-tools container, e.g.
#   docker compose exec temporal-admin-tools sh -s < scripts/register-search-attributes.sh
# (the container has the `temporal` CLI and TEMPORAL_ADDRESS set).
# Not needed (and not possible) on the embedded service: jobs there run without them.
set -eu
TEMPORAL=${TEMPORAL_CLI:-temporal}
ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}

register() {
  if "$TEMPORAL" operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" \
      | grep -q "^ *$1 "; then
    echo "$1 already registered"
  else
    "$TEMPORAL" operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$1" --type "$2"
    echo "registered $1 ($2)"
  fi
}

register BallastJobType Keyword
register BallastStage Keyword
register BallastProgress Int
