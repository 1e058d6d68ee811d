#!/bin/sh
# The breach-response namespace and its search attributes (domain/search-attributes.ts; no PII in any).
# Retention: how long Temporal keeps a closed incident's history. The case record is filed with the
# records archive at closure (the `archiving` phase), so retention only needs to outlast that step and an
# audit's look at the history; see docs/deployment.md "Retention and the records schedule".
set -eu
ns="${BREACH_NAMESPACE:-breach}"
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$ns" --retention "${BREACH_RETENTION:-30d}"
# Creating one that exists succeeds. Right after the namespace is created the frontend may not know it
# yet ("namespace not found" for a few seconds, seen on v1.32.0 with SQL visibility): tried again.
add() {
  tries=0
  until temporal operator search-attribute create --namespace "$ns" --name "$1" --type "$2"; do
    tries=$((tries + 1))
    [ "$tries" -ge 30 ] && return 1
    sleep 1
  done
}
add BreachPhase Keyword
add BreachMedium Keyword
add BreachRisk Keyword
add BreachReportingDeadline Datetime
add BreachReportedLate Bool
add BreachAwaitingRole Keyword
add BreachAwaitingSince Datetime
add BreachMajorIncident Bool
add BreachCaseNumber Keyword
echo "namespace $ns ready"
