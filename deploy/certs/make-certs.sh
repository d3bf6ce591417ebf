#!/bin/sh
# Makes a small CA, a collector certificate and one client certificate per
# agent host, for trying mTLS out (and for the tests). Production sites should
# issue these from their own PKI; the collector only needs: a CA to verify
# agents, and agent certificates whose CN / DNS SAN is the agent's host name.
#
# Usage: make-certs.sh OUT_DIR COLLECTOR_NAME HOST [HOST...]
#   OUT_DIR/ca.pem, ca.key                    the CA (keep ca.key offline)
#   OUT_DIR/collector.pem, collector.key      SANs: COLLECTOR_NAME, localhost, 127.0.0.1
#   OUT_DIR/agent-HOST.pem, agent-HOST.key    CN and DNS SAN: HOST
# Existing files are kept, so adding a host later reuses the same CA.
set -eu

if [ $# -lt 3 ]; then
  echo "usage: $0 OUT_DIR COLLECTOR_NAME HOST [HOST...]" >&2
  exit 2
fi
out=$1
collector=$2
shift 2
days=${WATTPRINT_CERT_DAYS:-825}
mkdir -p "$out"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [ ! -f "$out/ca.pem" ]; then
  key "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" -subj "/CN=wattprint test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca.pem"
fi

# sign NAME CN SAN EKU
sign() {
  name=$1 cn=$2 san=$3 eku=$4
  [ -f "$out/$name.pem" ] && return 0
  key "$out/$name.key"
  ext="$out/$name.ext"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\nsubjectAltName=%s\n' "$eku" "$san" > "$ext"
  openssl req -new -key "$out/$name.key" -subj "/CN=$cn" -out "$out/$name.csr"
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$ext" -out "$out/$name.pem" 2>/dev/null
  rm -f "$out/$name.csr" "$ext"
}

sign collector "$collector" "DNS:$collector,DNS:localhost,IP:127.0.0.1" serverAuth
for host in "$@"; do
  case $host in
    *[!A-Za-z0-9.-]* | '') echo "make-certs: \"$host\" is not a host name" >&2; exit 2 ;;
  esac
  sign "agent-$host" "$host" "DNS:$host" clientAuth
done
chmod 644 "$out"/*.pem
echo "make-certs: wrote CA, collector and ${#} agent certificates to $out"
