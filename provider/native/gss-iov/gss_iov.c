/*
 * GSS-API calls (MIT krb5) for WinRM's Kerberos message encryption that the
 * `kerberos` npm package (7.0.0) does not expose: its KerberosClient.wrap is
 * a SASL helper (it always wraps a 4-byte security-layer word plus a user
 * name, never the caller's data) and its KerberosServer has no wrap/unwrap.
 * One security context (initiator: SPNEGO to a host-based service, with the
 * credentials of KRB5CCNAME; or acceptor: the keytab of KRB5_KTNAME) and the
 * two calls Windows makes per WinRM message:
 *   wrap:   gss_wrap_iov(conf) with HEADER | DATA | PADDING buffers, the
 *           "DCE style" layout of SSPI's EncryptMessage (data encrypted in
 *           place, same length for AES; the header carries the rotated trailer);
 *   unwrap: gss_unwrap_iov with HEADER | DATA, as DecryptMessage reads them.
 * Channel bindings (Extended Protection over TLS): create() takes the
 * application data ("tls-server-end-point:" + the certificate hash, RFC
 * 5929) and both sides pass it to the context step, with no addresses, as
 * Windows' SSPI does; the acceptor reports whether the initiator's bindings
 * were present and matched (GSS_C_CHANNEL_BOUND_FLAG, MIT 1.19+): MIT
 * refuses mismatched bindings itself but accepts an initiator that sent none.
 * Calls are synchronous: one context step may ask the KDC for a service
 * ticket (initiator), a few milliseconds on a LAN.
 */
#define NAPI_VERSION 8
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GSS_C_CHANNEL_BOUND_FLAG
#define GSS_C_CHANNEL_BOUND_FLAG 2048
#endif

typedef struct {
  gss_ctx_id_t ctx;
  gss_name_t target; /* initiator only */
  struct gss_channel_bindings_struct bindings;
  bool bound; /* bindings given to create() */
} gss_context_t;

static gss_OID_desc spnego_oid = {6, "\x2b\x06\x01\x05\x05\x02"};

static void append_status(char* msg, size_t size, OM_uint32 code, int type) {
  OM_uint32 more = 0, min;
  gss_buffer_desc text;
  do {
    size_t used = strlen(msg);
    if (gss_display_status(&min, code, type, GSS_C_NO_OID, &more, &text) != GSS_S_COMPLETE) return;
    if (used + 3 < size) snprintf(msg + used, size - used, "%s%.*s", used && msg[used - 1] != ' ' ? "; " : "", (int)text.length, (char*)text.value);
    gss_release_buffer(&min, &text);
  } while (more != 0);
}

static napi_value throw_gss(napi_env env, const char* what, OM_uint32 major, OM_uint32 minor) {
  char msg[1024];
  snprintf(msg, sizeof msg, "%s", what);
  append_status(msg, sizeof msg, major, GSS_C_GSS_CODE);
  if (minor != 0) append_status(msg, sizeof msg, minor, GSS_C_MECH_CODE);
  napi_throw_error(env, "GSS_ERROR", msg);
  return NULL;
}

static void finalize(napi_env env, void* data, void* hint) {
  gss_context_t* a = data;
  OM_uint32 min;
  (void)env;
  (void)hint;
  if (a->ctx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&min, &a->ctx, GSS_C_NO_BUFFER);
  if (a->target != GSS_C_NO_NAME) gss_release_name(&min, &a->target);
  free(a->bindings.application_data.value);
  free(a);
}

static gss_context_t* arg_acceptor(napi_env env, napi_value value) {
  void* data = NULL;
  napi_get_value_external(env, value, &data);
  return data;
}

static napi_value copy(napi_env env, const void* data, size_t length) {
  napi_value out;
  void* unused;
  napi_create_buffer_copy(env, length, length ? data : "", &unused, &out);
  return out;
}

static void set(napi_env env, napi_value obj, const char* key, napi_value value) {
  napi_set_named_property(env, obj, key, value);
}

/*
 * create() -> acceptor; create("HTTP@host") -> initiator for that service;
 * either with a Buffer as second argument: the channel bindings' application data.
 */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 2, length = 0;
  napi_value argv[2], out;
  char service[512];
  bool is_buffer = false;
  gss_context_t* a = calloc(1, sizeof *a);
  a->ctx = GSS_C_NO_CONTEXT;
  a->target = GSS_C_NO_NAME;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 2 && napi_is_buffer(env, argv[1], &is_buffer) == napi_ok && is_buffer) {
    void* data;
    size_t size;
    napi_get_buffer_info(env, argv[1], &data, &size);
    a->bindings.application_data.value = malloc(size ? size : 1);
    memcpy(a->bindings.application_data.value, data, size);
    a->bindings.application_data.length = size;
    a->bound = true; /* addresses stay GSS_C_AF_UNSPEC and empty (calloc), as SSPI sends them */
  }
  if (argc >= 1 && napi_get_value_string_utf8(env, argv[0], service, sizeof service, &length) == napi_ok) {
    OM_uint32 major, minor;
    gss_buffer_desc name = {length, service};
    major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &a->target);
    if (GSS_ERROR(major)) {
      free(a->bindings.application_data.value);
      free(a);
      return throw_gss(env, "gss_import_name: ", major, minor);
    }
  }
  napi_create_external(env, a, finalize, NULL, &out);
  return out;
}

/* step(context, token | null) -> { token, complete, user, confidentiality, channelBound } */
static napi_value step(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out, flag;
  gss_buffer_desc in, reply = GSS_C_EMPTY_BUFFER, display = GSS_C_EMPTY_BUFFER;
  gss_name_t peer = GSS_C_NO_NAME;
  OM_uint32 major, minor, min, flags = 0;
  bool has_token = false;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  gss_context_t* a = arg_acceptor(env, argv[0]);
  gss_channel_bindings_t cb = a->bound ? &a->bindings : GSS_C_NO_CHANNEL_BINDINGS;
  in.length = 0;
  in.value = NULL;
  if (argc >= 2 && napi_is_buffer(env, argv[1], &has_token) == napi_ok && has_token)
    napi_get_buffer_info(env, argv[1], &in.value, &in.length);
  if (a->target != GSS_C_NO_NAME) {
    OM_uint32 want = GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_REPLAY_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
    major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &a->ctx, a->target, &spnego_oid, want, 0,
                                 cb, in.length ? &in : GSS_C_NO_BUFFER, NULL, &reply, &flags,
                                 NULL);
  } else {
    major = gss_accept_sec_context(&minor, &a->ctx, GSS_C_NO_CREDENTIAL, &in, cb, &peer, NULL,
                                   &reply, &flags, NULL, NULL);
  }
  if (GSS_ERROR(major)) {
    gss_release_buffer(&min, &reply);
    return throw_gss(env, a->target ? "gss_init_sec_context: " : "gss_accept_sec_context: ", major, minor);
  }
  napi_create_object(env, &out);
  set(env, out, "token", reply.length ? copy(env, reply.value, reply.length) : NULL);
  gss_release_buffer(&min, &reply);
  napi_get_boolean(env, major == GSS_S_COMPLETE, &flag);
  set(env, out, "complete", flag);
  napi_get_boolean(env, (flags & GSS_C_CONF_FLAG) != 0, &flag);
  set(env, out, "confidentiality", flag);
  napi_get_boolean(env, (flags & GSS_C_CHANNEL_BOUND_FLAG) != 0, &flag);
  set(env, out, "channelBound", flag);
  if (major == GSS_S_COMPLETE && a->target == GSS_C_NO_NAME &&
      gss_display_name(&min, peer, &display, NULL) == GSS_S_COMPLETE) {
    napi_value user;
    napi_create_string_utf8(env, display.value, display.length, &user);
    set(env, out, "user", user);
    gss_release_buffer(&min, &display);
  }
  if (peer != GSS_C_NO_NAME) gss_release_name(&min, &peer);
  return out;
}

/* wrap(acceptor, plaintext) -> { header, data }: data is the ciphertext (+ padding, none for AES). */
static napi_value wrap(napi_env env, napi_callback_info info) {
  size_t argc = 2, length;
  napi_value argv[2], out;
  void* plain;
  int conf = 0;
  OM_uint32 major, minor;
  gss_iov_buffer_desc iov[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  gss_context_t* a = arg_acceptor(env, argv[0]);
  napi_get_buffer_info(env, argv[1], &plain, &length);
  char* data = malloc(length + 1);
  memcpy(data, plain, length);
  iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
  iov[0].buffer.length = 0;
  iov[0].buffer.value = NULL;
  iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
  iov[1].buffer.length = length;
  iov[1].buffer.value = data;
  iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
  iov[2].buffer.length = 0;
  iov[2].buffer.value = NULL;
  major = gss_wrap_iov(&minor, a->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 3);
  if (GSS_ERROR(major) || !conf) {
    free(data);
    gss_release_iov_buffer(&minor, iov, 3);
    return throw_gss(env, "gss_wrap_iov: ", major, GSS_ERROR(major) ? minor : 0);
  }
  char* joined = malloc(length + iov[2].buffer.length + 1);
  memcpy(joined, data, length);
  if (iov[2].buffer.length) memcpy(joined + length, iov[2].buffer.value, iov[2].buffer.length);
  napi_create_object(env, &out);
  set(env, out, "header", copy(env, iov[0].buffer.value, iov[0].buffer.length));
  set(env, out, "data", copy(env, joined, length + iov[2].buffer.length));
  free(joined);
  free(data);
  gss_release_iov_buffer(&minor, iov, 3);
  return out;
}

/* unwrap(acceptor, header, data) -> plaintext; throws unless it was encrypted and intact. */
static napi_value unwrap(napi_env env, napi_callback_info info) {
  size_t argc = 3, hlen, dlen;
  napi_value argv[3], out;
  void *h, *d;
  int conf = 0;
  gss_qop_t qop;
  OM_uint32 major, minor;
  gss_iov_buffer_desc iov[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  gss_context_t* a = arg_acceptor(env, argv[0]);
  napi_get_buffer_info(env, argv[1], &h, &hlen);
  napi_get_buffer_info(env, argv[2], &d, &dlen);
  char* buf = malloc(hlen + dlen + 1);
  memcpy(buf, h, hlen);
  memcpy(buf + hlen, d, dlen);
  iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
  iov[0].buffer.length = hlen;
  iov[0].buffer.value = buf;
  iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
  iov[1].buffer.length = dlen;
  iov[1].buffer.value = buf + hlen;
  major = gss_unwrap_iov(&minor, a->ctx, &conf, &qop, iov, 2);
  if (GSS_ERROR(major) || !conf) {
    free(buf);
    if (!GSS_ERROR(major)) napi_throw_error(env, "GSS_ERROR", "gss_unwrap_iov: the message was not encrypted");
    return GSS_ERROR(major) ? throw_gss(env, "gss_unwrap_iov: ", major, minor) : NULL;
  }
  out = copy(env, iov[1].buffer.value, iov[1].buffer.length);
  free(buf);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "create", NAPI_AUTO_LENGTH, create, NULL, &fn);
  napi_set_named_property(env, exports, "create", fn);
  napi_create_function(env, "step", NAPI_AUTO_LENGTH, step, NULL, &fn);
  napi_set_named_property(env, exports, "step", fn);
  napi_create_function(env, "wrap", NAPI_AUTO_LENGTH, wrap, NULL, &fn);
  napi_set_named_property(env, exports, "wrap", fn);
  napi_create_function(env, "unwrap", NAPI_AUTO_LENGTH, unwrap, NULL, &fn);
  napi_set_named_property(env, exports, "unwrap", fn);
  return exports;
}
