#!/usr/bin/env bash
# A workload that holds an identity token from its own platform (GitHub Actions, GitLab CI, a
# Kubernetes service account) exchanges it for a token-broker access token (RFC 8693 token
# exchange) and calls an API with it, using only curl (and python3 to read one JSON member). No
# secret is stored anywhere: the platform's token is the credential, and the broker checks it
# against the trust policies of the client it names.
#
#   BROKER_URL            the broker's base URL (its issuer)
#   CLIENT_ID             the client whose trust policy the token must match
#   The outside token, from the first of:
#     SUBJECT_TOKEN_FILE  a file holding it, read now (a Kubernetes projected token:
#                         /var/run/secrets/tokens/broker; AWS_WEB_IDENTITY_TOKEN_FILE's file)
#     SUBJECT_TOKEN_VAR   the name of the variable holding it (GitLab CI: the job's id_tokens: name)
#     GitHub Actions      a new ID token for ID_TOKEN_AUDIENCE (default: BROKER_URL) from the job's
#                         ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, set for a job
#                         with `permissions: id-token: write`)
#   SUBJECT_TOKEN_TYPE    jwt (default for a file) or id_token (default otherwise)
#   SCOPE                 the scopes to ask for (default: the client's default scopes)
#   AUDIENCE              the API's audience, if the client may ask for more than one
#   API_URL               the API to call (default: the broker's demo API, $BROKER_URL/demo/hello)
#
# Exit codes: 0 the API answered 2xx; 2 no token (no outside token, or the broker's error, or why
# it could not be reached, is printed); 3 the API refused, failed or could not be reached. Tokens
# go to curl on stdin, never on its command line, and are never printed (xtrace is turned off,
# curl reads no ~/.curlrc, and the broker must be https unless it is on this machine).
set -euo pipefail
{ set +x; } 2>/dev/null # a job run with bash -x would print the tokens

BROKER_URL="${BROKER_URL:?set BROKER_URL to the broker base URL (its issuer)}"
CLIENT_ID="${CLIENT_ID:?set CLIENT_ID to the client whose trust policy the token matches}"
# Tokens must not travel in clear: https, or http to this machine (the local server, a test).
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

json_member() { # prints member $1 of the JSON object on stdin, or nothing
  python3 -c 'import json, sys
try: print(json.load(sys.stdin).get(sys.argv[1], ""))
except (ValueError, AttributeError): pass' "$1" # not JSON, or JSON but no object
}
curl_() { curl -q -sS --connect-timeout 10 --max-time 30 "$@"; }

# 1. The outside token.
if [ -n "${SUBJECT_TOKEN_FILE:-}" ]; then
  source="the token file $SUBJECT_TOKEN_FILE"
  if ! subject=$(cat -- "$SUBJECT_TOKEN_FILE" 2>/dev/null); then
    echo "no token: $SUBJECT_TOKEN_FILE cannot be read" >&2
    exit 2
  fi
  type="${SUBJECT_TOKEN_TYPE:-jwt}"
elif [ -n "${SUBJECT_TOKEN_VAR:-}" ]; then
  if ! [[ "$SUBJECT_TOKEN_VAR" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    echo "no token: SUBJECT_TOKEN_VAR must be a variable's name" >&2
    exit 2
  fi
  source="\$$SUBJECT_TOKEN_VAR"
  subject="${!SUBJECT_TOKEN_VAR:-}"
  type="${SUBJECT_TOKEN_TYPE:-id_token}"
elif [ -n "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] && [ -n "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
  source="a GitHub Actions ID token"
  require_tls ACTIONS_ID_TOKEN_REQUEST_URL "$ACTIONS_ID_TOKEN_REQUEST_URL" 2
  # GET <url>&audience=<aud> (curl -G appends with & to the URL's query), the request token as
  # the bearer, on stdin.
  if ! response=$(printf 'Authorization: Bearer %s\n' "$ACTIONS_ID_TOKEN_REQUEST_TOKEN" |
    curl_ -H @- -H 'Accept: application/json' -G \
      --data-urlencode "audience=${ID_TOKEN_AUDIENCE:-$BROKER_URL}" -w '\n%{http_code}' \
      "$ACTIONS_ID_TOKEN_REQUEST_URL"); then
    echo "no token: GitHub's ID-token endpoint could not be reached (curl's error above)" >&2
    exit 2
  fi
  if [ "${response##*$'\n'}" != 200 ]; then
    echo "no token: GitHub's ID-token endpoint answered HTTP ${response##*$'\n'}" \
      "(does the job have permissions: id-token: write?)" >&2
    exit 2
  fi
  subject=$(json_member value <<<"${response%$'\n'*}")
  type="${SUBJECT_TOKEN_TYPE:-id_token}"
else
  echo "no token: set SUBJECT_TOKEN_FILE or SUBJECT_TOKEN_VAR, or run in a GitHub Actions job" \
    "with permissions: id-token: write" >&2
  exit 2
fi
subject="${subject#"${subject%%[![:space:]]*}"}" # surrounding white space, as the library strips
subject="${subject%"${subject##*[![:space:]]}"}"
if [ -z "$subject" ]; then
  echo "no token: $source is empty" >&2
  exit 2
fi
# Only a compact JWT (three base64url parts) of at most 8192 characters is sent, as the client
# library checks: a wrong SUBJECT_TOKEN_FILE must never send a key file to the broker. (The letters
# are spelled out: a range like A-Z may match more in some locales.)
b64url='[ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-]+'
if [ "${#subject}" -gt 8192 ] || ! [[ "$subject" =~ ^$b64url\.$b64url\.$b64url$ ]]; then
  unset subject
  echo "no token: $source does not look like a JWT (three base64url parts, at most 8192" \
    "characters): nothing was sent" >&2
  exit 2
fi
case "$type" in
  jwt | id_token) ;;
  *)
    echo "SUBJECT_TOKEN_TYPE must be jwt or id_token" >&2
    exit 2
    ;;
esac

# 2. The exchange: POST /token, the outside token as subject_token (on stdin), no other credential.
form=(--data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
  --data-urlencode "subject_token@-"
  --data-urlencode "subject_token_type=urn:ietf:params:oauth:token-type:$type"
  --data-urlencode "requested_token_type=urn:ietf:params:oauth:token-type:access_token"
  --data-urlencode "client_id=$CLIENT_ID")
if [ -n "${SCOPE:-}" ]; then form+=(--data-urlencode "scope=$SCOPE"); fi
if [ -n "${AUDIENCE:-}" ]; then form+=(--data-urlencode "audience=$AUDIENCE"); fi
if ! response=$(printf '%s' "$subject" |
  curl_ "${form[@]}" -w '\n%{http_code}' "$BROKER_URL/token"); then
  echo "no token: the broker at $BROKER_URL could not be reached (curl's error above)" >&2
  exit 2
fi
unset subject
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
echo "exchanged $source for a token for scope '$(json_member scope <<<"$body")'," \
  "expires in $(json_member expires_in <<<"$body") s"

# 3. Call the API with it.
if ! response=$(printf 'Authorization: Bearer %s\n' "$token" |
  curl_ -H @- -w '\n%{http_code}' "$API_URL"); then
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
