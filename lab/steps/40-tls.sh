# shellcheck shell=bash
# The lab's own certificate authority and a server certificate for 127.0.0.1,
# so clients verify TLS for real (trust the CA or pin the thumbprint).

make_tls() {
  local dir="$POD_LAB_STATE/tls"
  [ -s "$dir/server.pem" ] && [ -s "$dir/ca.pem" ] && openssl x509 -checkend 86400 -noout -in "$dir/server.pem" && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=pod lab CA" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$dir/server-key.pem" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -days 825 -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
  chmod 0600 "$dir"/*-key.pem
}

tls_thumbprint() { openssl x509 -noout -fingerprint -sha256 -in "$POD_LAB_STATE/tls/server.pem" | cut -d= -f2; }
