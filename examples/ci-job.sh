#!/usr/bin/env bash
# A CI job that calls an API with a short-lived token from token-broker, using only curl (and
# python3 to read one JSON member). The job's IAM role authenticates it: curl signs the token
# request with SigV4 (--aws-sigv4, curl >= 7.75), as API Gateway's AWS_IAM route expects.
#
#   BROKER_URL   the broker's base URL (its issuer), e.g. the stack output ApiUrl
#   API_URL      the API to call (default: the broker's demo API, $BROKER_URL/demo/hello)
#   SCOPE        the scopes to ask for (default demo:read); AUDIENCE: the API's audience, if the
#                client may ask for more than one
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (if any), AWS_REGION: the job's
#                role credentials, as CI runners export them
#
# Exit codes: 0 the API answered 2xx; 2 no token (the broker's error, or why it could not be
# reached, is printed); 3 the API refused, failed or could not be reached. Secrets and the token go
# to curl on stdin, never on its command line, and are never printed (xtrace is turned off, curl
# reads no ~/.curlrc, and the broker must be https unless it is on this machine).
set -euo pipefail
{ set +x; } 2>/dev/null # a job run with bash -x would print the token

BROKER_URL="${BROKER_URL:?set BROKER_URL to the broker base URL (its issuer)}"
# The token (and, signed, the request for it) must not travel in clear: https, or http to this
# machine (the local server). Exit with $3 otherwise.
require_tls() {
  case "$2" in
    https://*) ;;
    http://*@*) # user info: http://localhost:80@elsewhere is not this machine
      echo "$1 must not carry user info" >&2
      exit "$3"
      ;;
    http://localhost | http://localhost[:/]* | http://127.0.0.1 | http://127.0.0.1[:/]* | \
      http://\[::1\] | http://\[::1\][:/]*) ;;
    *)
      echo "$1 must be https (or http on localhost): the token would travel in clear" >&2
      exit "$3"
      ;;
  esac
}
require_tls BROKER_URL "$BROKER_URL" 2
API_URL="${API_URL:-$BROKER_URL/demo/hello}"
require_tls API_URL "$API_URL" 3
SCOPE="${SCOPE:-demo:read}"
REGION="${AWS_REGION:-us-east-1}"
: "${AWS_ACCESS_KEY_ID:?set the job role credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)}"
: "${AWS_SECRET_ACCESS_KEY:?set the job role credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)}"

json_member() { # prints member $1 of the JSON object on stdin, or nothing
  python3 -c 'import json, sys
try: print(json.load(sys.stdin).get(sys.argv[1], ""))
except (ValueError, AttributeError): pass' "$1" # not JSON, or JSON but no object
}

# 1. A token for the job's role: POST /token/iam, SigV4-signed (service execute-api).
curl_config() {
  printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
  if [ -n "${AWS_SESSION_TOKEN:-}" ]; then
    printf 'header = "x-amz-security-token: %s"\n' "$AWS_SESSION_TOKEN"
  fi
}
form=(--data-urlencode grant_type=client_credentials --data-urlencode "scope=$SCOPE")
if [ -n "${AUDIENCE:-}" ]; then form+=(--data-urlencode "audience=$AUDIENCE"); fi
# -q first: no ~/.curlrc; curl's own exit code (6, 7, 28, 35...) becomes this job's 2.
if ! response=$(curl_config | curl -q -sS --connect-timeout 10 --max-time 30 -K - \
  --aws-sigv4 "aws:amz:$REGION:execute-api" "${form[@]}" -w '\n%{http_code}' \
  "$BROKER_URL/token/iam"); then
  echo "no token: the broker at $BROKER_URL could not be reached (curl's error above)" >&2
  exit 2
fi
status=${response##*$'\n'}
body=${response%$'\n'*}
if [ "$status" != 200 ]; then
  error=$(json_member error <<<"$body")
  if [ -n "$error" ]; then
    echo "no token: HTTP $status $error: $(json_member error_description <<<"$body")" >&2
  else # not the broker's OAuth answer (API Gateway's, a proxy's)
    echo "no token: HTTP $status ${body:0:200}" >&2
  fi
  exit 2
fi
token=$(json_member access_token <<<"$body")
echo "token for scope '$(json_member scope <<<"$body")', expires in $(json_member expires_in <<<"$body") s"

# 2. Call the API with it.
if ! response=$(printf 'Authorization: Bearer %s\n' "$token" |
  curl -q -sS --connect-timeout 10 --max-time 30 -H @- -w '\n%{http_code}' "$API_URL"); then
  echo "$API_URL could not be reached (curl's error above)" >&2
  exit 3
fi
status=${response##*$'\n'}
echo "$API_URL answered HTTP $status"
echo "${response%$'\n'*}"
case "$status" in
  2??) exit 0 ;;
  *) exit 3 ;;
esac
