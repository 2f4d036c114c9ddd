{
  "targets": [
    {
      "target_name": "udp_send",
      "sources": ["udp_send.c", "udp_recv.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"],
      "defines": ["_GNU_SOURCE"]
    }
  ]
}
