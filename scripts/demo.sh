#!/usr/bin/env bash
# The main job, end to end: set up, build, compile samples/auth (an L7
# authorization policy in C) to Wasm and the Wasm to eBPF, attach it at TC
# ingress of a real interface, and send it HTTP: two network namespaces
# joined by a veth pair, python3's http.server on the server side, curl on
# the client side. Requests to port 8080 pass only with
# `Authorization: Bearer eyJhbGciOiJIUzI1NiI...`; every decision is a
# record in the ring buffer auth_log (printed by `wasm2bpf events`) and
# counted in the map auth_stats.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

s=build/samples/auth
srv=w2b-demo-srv
cli=w2b-demo-cli
cleanup() {
	ip netns pids "$srv" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$srv" 2>/dev/null || true
	ip netns del "$cli" 2>/dev/null || true
	rm -rf "${www:-}"
}
cleanup	# what an interrupted earlier run left
www=$(mktemp -d)
trap cleanup EXIT

echo
echo "== $s/auth.wasm (clang-19 --target=wasm32) -> $s/auth.bpf.o (wasm2bpf, no options:"
echo "   the program section and the map come from the SDK's W2B_PROGRAM / W2B_MAP)"
bpftool btf dump file "$s/auth.bpf.o" | grep -E "DATASEC|VAR '" | sed 's/^/   /'

echo
echo "== two namespaces, a veth pair, http.server on 10.203.0.1:8080 and :8081"
ip netns add "$srv"
ip netns add "$cli"
ip link add w2b-demo0 netns "$srv" type veth peer name w2b-demo1 netns "$cli"
ip -n "$srv" addr add 10.203.0.1/24 dev w2b-demo0
ip -n "$cli" addr add 10.203.0.2/24 dev w2b-demo1
ip -n "$srv" link set w2b-demo0 up
ip -n "$cli" link set w2b-demo1 up
ip -n "$srv" link set lo up
echo "hello from behind the policy" > "$www/index.html"
for port in 8080 8081; do
	ip netns exec "$srv" python3 -m http.server "$port" --bind 10.203.0.1 \
		--directory "$www" >/dev/null 2>&1 &
done
for _ in $(seq 50); do
	ip netns exec "$cli" curl -s -o /dev/null --max-time 1 http://10.203.0.1:8081/ && break
	sleep 0.1
done

echo "== attach: tc qdisc add dev w2b-demo0 clsact; tc filter add ... ingress bpf da obj auth.bpf.o sec tc"
ip netns exec "$srv" tc qdisc add dev w2b-demo0 clsact
ip netns exec "$srv" tc filter add dev w2b-demo0 ingress bpf direct-action obj "$s/auth.bpf.o" sec tc
ip netns exec "$srv" tc filter show dev w2b-demo0 ingress | sed 's/^/   /'


request() {	# request DESCRIPTION PORT [CURL ARGS...]
	local what=$1 port=$2 out
	shift 2
	printf '%-44s ' "$what"
	if out=$(ip netns exec "$cli" curl -s --max-time 3 -w ' [HTTP %{http_code}]' "$@" \
		"http://10.203.0.1:$port/"); then
		echo "$out" | tr -d '\n'; echo
	else
		echo "no response (curl exit $?)"
	fi
}
echo
echo "== curl from the other namespace"
token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZW1vIn0.sig
request "8080, Authorization: Bearer <HS256 JWT>" 8080 -H "Authorization: Bearer $token"
request "8080, authorization: Bearer <HS256 JWT>" 8080 -H "authorization: Bearer $token"
request "8080, authorization:Bearer <JWT> (RFC 9110)" 8080 -H "authorization:Bearer $token"
request "8080, Authorization: Bearer abc" 8080 -H "Authorization: Bearer abc"
request "8080, no Authorization header" 8080
request "8081, no Authorization header" 8081

echo
id=$(ip netns exec "$srv" tc filter show dev w2b-demo0 ingress | grep -o 'id [0-9]*' | head -1 | cut -d' ' -f2)
map=$(bpftool prog show id "$id" -j | python3 -c 'import json,sys; print(" ".join(map(str, json.load(sys.stdin)["map_ids"])))')
echo "== the decisions, as the program logged them (wasm2bpf events: the ring buffer auth_log,"
echo "   each record decoded by its BTF type; verdict 0 allowed, 1 denied):"
for m in $map; do
	if bpftool map show id "$m" | grep -q auth_log; then
		build/wasm2bpf events --map-id "$m" | sort | uniq -c | sed 's/^/   /'
	fi
done
echo "== auth_stats (key 0 allowed, 1 denied; retransmissions of refused requests count too):"
for m in $map; do
	if bpftool map show id "$m" | grep -q auth_stats; then
		bpftool map dump id "$m" | sed 's/^/   /'
	fi
done
