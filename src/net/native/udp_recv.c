// Batched UDP receive: recvmmsg(2) into JavaScript-owned slots, driven by a uv_poll on
// a dup() of the dgram socket's fd (libuv keys watchers by fd number, so our poll never
// collides with the uv_udp handle, whose reading the caller stops). Each recvmmsg batch
// reaches JavaScript as ONE call, callback(count), with per-slot lengths (-1: datagram
// larger than its slot, truncated) and peer addresses as 20-byte records:
// [family 4|6, 0, port hi, port lo, address (4 or 16 bytes)].
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RECV_MAX_BATCH 64
#define ADDR_RECORD 20
#define ROUNDS_PER_WAKEUP 8 /* bound the time one readable event keeps the loop */

typedef struct receiver {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback, slab_ref, lens_ref, addrs_ref;
  napi_async_context async;
  uint8_t *slab;
  int32_t *lens;
  uint8_t *addrs;
  uint32_t slot_size, slots;
  int fd;
  int stopped;
  int owners; // the libuv handle and the JS external: freed when both let go
} receiver_t;

static void release(receiver_t *r) {
  if (--r->owners == 0) free(r);
}

static void on_closed(uv_handle_t *h) {
  release(h->data);
}

// Stops polling and releases everything but the memory (freed once libuv let go).
static void receiver_stop(receiver_t *r, int env_alive) {
  if (r->stopped) return;
  r->stopped = 1;
  uv_poll_stop(&r->poll);
  close(r->fd);
  if (env_alive) {
    napi_delete_reference(r->env, r->callback);
    napi_delete_reference(r->env, r->slab_ref);
    napi_delete_reference(r->env, r->lens_ref);
    napi_delete_reference(r->env, r->addrs_ref);
    napi_async_destroy(r->env, r->async);
  }
  uv_close((uv_handle_t *)&r->poll, on_closed);
}

static void on_env_teardown(void *arg) {
  receiver_stop(arg, 0);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  receiver_t *r = h->data;
  (void)events;
  if (status < 0 || r->stopped) return;
  struct mmsghdr msgs[RECV_MAX_BATCH];
  struct iovec iov[RECV_MAX_BATCH];
  struct sockaddr_in6 names[RECV_MAX_BATCH];
  uint32_t n = r->slots < RECV_MAX_BATCH ? r->slots : RECV_MAX_BATCH;
  for (int round = 0; round < ROUNDS_PER_WAKEUP && !r->stopped; round++) {
    for (uint32_t k = 0; k < n; k++) {
      iov[k].iov_base = r->slab + (size_t)k * r->slot_size;
      iov[k].iov_len = r->slot_size;
      memset(&msgs[k], 0, sizeof msgs[k]);
      msgs[k].msg_hdr.msg_name = &names[k];
      msgs[k].msg_hdr.msg_namelen = sizeof names[k];
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
    }
    int got;
    do got = recvmmsg(r->fd, msgs, n, MSG_DONTWAIT, NULL);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return; // EAGAIN: drained; other errors (ICMP reports) are not ours to raise
    for (int k = 0; k < got; k++) {
      r->lens[k] = (msgs[k].msg_hdr.msg_flags & MSG_TRUNC) ? -1 : (int32_t)msgs[k].msg_len;
      uint8_t *rec = r->addrs + (size_t)k * ADDR_RECORD;
      memset(rec, 0, ADDR_RECORD);
      if (names[k].sin6_family == AF_INET6) {
        rec[0] = 6;
        memcpy(rec + 2, &names[k].sin6_port, 2);
        memcpy(rec + 4, &names[k].sin6_addr, 16);
      } else if (names[k].sin6_family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&names[k];
        rec[0] = 4;
        memcpy(rec + 2, &s4->sin_port, 2);
        memcpy(rec + 4, &s4->sin_addr, 4);
      }
    }
    napi_handle_scope scope;
    napi_open_handle_scope(r->env, &scope);
    napi_value cb, recv, argv[1], result;
    napi_get_reference_value(r->env, r->callback, &cb);
    napi_get_global(r->env, &recv); // make_callback wants an object as `this`
    napi_create_int32(r->env, got, &argv[0]);
    // make_callback runs microtasks and nextTicks after, like any libuv-driven callback.
    if (napi_make_callback(r->env, r->async, recv, cb, 1, argv, &result) == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(r->env, &err);
      napi_fatal_exception(r->env, err);
    }
    napi_close_handle_scope(r->env, scope);
    if ((uint32_t)got < n) return; // fewer than asked: the queue is empty for now
  }
}

static napi_value throw_range(napi_env env, const char *msg) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return NULL;
}

static void *typed(napi_env env, napi_value v, napi_typedarray_type want, size_t *len) {
  bool is = false;
  napi_typedarray_type t;
  void *data = NULL;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is || napi_get_typedarray_info(env, v, &t, len, &data, NULL, NULL) != napi_ok || t != want) return NULL;
  if (data == NULL) *len = 0; // empty or detached: a valid type with nothing in it
  return data == NULL ? (void *)"" : data;
}

static void finalize_external(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release(data);
}

// recvStart(fd, slab, slotSize, lens, addrs, callback) -> handle. Slots are slab
// [k*slotSize, (k+1)*slotSize); their number is lens.length (at most 64 are used),
// addrs holds 20 bytes per slot. The fd is dup()ed: the caller's socket stays its own.
static napi_value recv_start(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 6) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_recv: recvStart(fd, slab, slotSize, lens, addrs, callback) takes 6 arguments");
    return NULL;
  }
  int32_t fd = -1, slot_size = 0;
  napi_valuetype t;
  napi_typeof(env, argv[0], &t);
  if (t != napi_number || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return throw_range(env, "udp_recv: fd must be a non-negative integer");
  size_t slab_len, n_lens, addrs_len;
  uint8_t *slab = typed(env, argv[1], napi_uint8_array, &slab_len);
  int32_t *lens = typed(env, argv[3], napi_int32_array, &n_lens);
  uint8_t *addrs = typed(env, argv[4], napi_uint8_array, &addrs_len);
  if (!slab || !lens || !addrs) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_recv: slab and addrs must be Buffers, lens an Int32Array");
    return NULL;
  }
  napi_typeof(env, argv[2], &t);
  if (t != napi_number || napi_get_value_int32(env, argv[2], &slot_size) != napi_ok || slot_size < 1 || slot_size > 65536) return throw_range(env, "udp_recv: slotSize must be 1..65536");
  napi_typeof(env, argv[5], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_recv: callback must be a function");
    return NULL;
  }
  size_t slots = n_lens < RECV_MAX_BATCH ? n_lens : RECV_MAX_BATCH;
  if (slots == 0 || (uint64_t)slots * (uint64_t)slot_size > slab_len || slots * ADDR_RECORD > addrs_len) return throw_range(env, "udp_recv: slab or addrs too small for lens.length slots");

  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return NULL;
  int dfd = dup(fd);
  if (dfd < 0) {
    napi_throw_error(env, "ERR_NET_RECV", "udp_recv: dup(fd) failed");
    return NULL;
  }
  receiver_t *r = calloc(1, sizeof *r);
  r->env = env;
  r->slab = slab;
  r->lens = lens;
  r->addrs = addrs;
  r->slot_size = (uint32_t)slot_size;
  r->slots = (uint32_t)slots;
  r->fd = dfd;
  r->owners = 2;
  r->poll.data = r;
  if (uv_poll_init(loop, &r->poll, dfd) != 0) {
    close(dfd);
    free(r);
    napi_throw_error(env, "ERR_NET_RECV", "udp_recv: uv_poll_init failed");
    return NULL;
  }
  // References keep the buffers (and so the pointers above) alive until recvStop.
  napi_create_reference(env, argv[5], 1, &r->callback);
  napi_create_reference(env, argv[1], 1, &r->slab_ref);
  napi_create_reference(env, argv[3], 1, &r->lens_ref);
  napi_create_reference(env, argv[4], 1, &r->addrs_ref);
  napi_value name;
  napi_create_string_utf8(env, "switchboard:udp-recv", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &r->async);
  napi_add_env_cleanup_hook(env, on_env_teardown, r);
  uv_poll_start(&r->poll, UV_READABLE, on_readable);
  napi_value handle;
  napi_create_external(env, r, finalize_external, NULL, &handle);
  return handle;
}

// recvStop(handle): stops and frees; idempotent. The dup()ed fd is closed here, so the
// port is released only once both this and the dgram socket are closed.
static napi_value recv_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype t = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &t);
  if (t != napi_external) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_recv: recvStop takes the handle recvStart returned");
    return NULL;
  }
  void *p;
  napi_get_value_external(env, argv[0], &p);
  receiver_t *r = p;
  if (!r->stopped) {
    napi_remove_env_cleanup_hook(env, on_env_teardown, r);
    receiver_stop(r, 1);
  }
  return NULL;
}

// addressName(records, offset) -> the address of one 20-byte record as text, as dgram
// would give it (inet_ntop), or undefined for an empty record. Called once per new peer
// address; JavaScript caches the names.
static napi_value address_name(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t len = 0;
  uint8_t *rec = argc >= 2 ? typed(env, argv[0], napi_uint8_array, &len) : NULL;
  int32_t off = -1;
  if (!rec || napi_get_value_int32(env, argv[1], &off) != napi_ok || off < 0 || (size_t)off + ADDR_RECORD > len) return throw_range(env, "udp_recv: addressName(records, offset) needs a 20-byte record at offset");
  rec += off;
  char text[INET6_ADDRSTRLEN];
  napi_value out;
  if (rec[0] == 4 ? inet_ntop(AF_INET, rec + 4, text, sizeof text) != NULL : rec[0] == 6 ? inet_ntop(AF_INET6, rec + 4, text, sizeof text) != NULL : 0)
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  else
    napi_get_undefined(env, &out);
  return out;
}

void udp_recv_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "recvStart", NULL, recv_start, NULL, NULL, NULL, napi_enumerable, NULL },
    { "recvStop", NULL, recv_stop, NULL, NULL, NULL, napi_enumerable, NULL },
    { "addressName", NULL, address_name, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, 3, props);
  napi_value v;
  napi_create_int32(env, RECV_MAX_BATCH, &v);
  napi_set_named_property(env, exports, "RECV_MAX_BATCH", v);
  napi_create_int32(env, ADDR_RECORD, &v);
  napi_set_named_property(env, exports, "ADDR_RECORD", v);
}
