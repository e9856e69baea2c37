#!/bin/sh
# The loopback TCP buffers of this machine: the kernel's settings, then what a writer whose peer
# never reads gets into a connection before a send would block (fill.py). Writes raw.txt.
{
  echo "# $(date -u +%FT%TZ) $(uname -r) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo '$ sysctl net.ipv4.tcp_wmem net.ipv4.tcp_rmem net.core.wmem_default net.core.rmem_default net.core.wmem_max net.core.rmem_max net.ipv4.tcp_moderate_rcvbuf net.ipv4.tcp_adv_win_scale'
  sysctl net.ipv4.tcp_wmem net.ipv4.tcp_rmem net.core.wmem_default net.core.rmem_default net.core.wmem_max net.core.rmem_max net.ipv4.tcp_moderate_rcvbuf net.ipv4.tcp_adv_win_scale
  python3 --version
  echo '$ python3 fill.py 100 1000 16384 65536'
  python3 fill.py 100 1000 16384 65536
} > raw.txt 2>&1
