#!/bin/sh
# One-shot, once the Temporal frontend answers: creates the namespace (when missing) and registers the seven
# search attributes the workflows upsert (src/temporal/search-attributes.ts; names fixed by PRODUCT.md). Safe to run
# again. Run by docker-compose.yml's `temporal-setup` service (temporalio/admin-tools); the cluster tests do the same
# with the Temporal CLI (test/cluster/temporal-cluster.ts).
#
# Environment: TEMPORAL_ADDRESS (host:port of a frontend), TEMPORAL_NAMESPACE (default), TEMPORAL_CLI (temporal),
# NAMESPACE_RETENTION (30d: how long Temporal keeps a closed workflow; the cycle's records stay in the database).
set -eu
cli="${TEMPORAL_CLI:-temporal}"
ns="${TEMPORAL_NAMESPACE:-default}"
address="${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}"

tries=0
until "$cli" operator cluster health --address "$address" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 90 ] || { echo "Temporal at $address did not answer" >&2; exit 1; }
  sleep 2
done
"$cli" operator namespace describe --namespace "$ns" --address "$address" >/dev/null 2>&1 ||
  "$cli" operator namespace create --namespace "$ns" --retention "${NAMESPACE_RETENTION:-30d}" --address "$address"
# A new namespace reaches every frontend's cache within seconds: retry until one accepts the attributes.
tries=0
until "$cli" operator search-attribute create --namespace "$ns" --address "$address" \
  --name Mechanism --type Keyword \
  --name Quarter --type Keyword \
  --name CyclePhase --type Keyword \
  --name Project --type Keyword \
  --name SubmissionState --type Keyword \
  --name DueTime --type Datetime \
  --name ActionItemState --type Keyword; do
  tries=$((tries + 1))
  [ "$tries" -lt 30 ] || { echo "could not register the search attributes in $ns" >&2; exit 1; }
  sleep 2
done
echo "namespace $ns ready with its search attributes"
