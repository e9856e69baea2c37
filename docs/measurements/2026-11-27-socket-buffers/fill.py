"""How many bytes a loopback TCP connection takes from a writer whose peer never reads.

Non-blocking send of SIZE-byte messages until EAGAIN (where a blocking send would sleep); prints
the bytes accepted, SO_SNDBUF and SO_RCVBUF before and after, and the queues (SIOCOUTQ on the
sender: bytes not yet acknowledged; SIOCINQ on the receiver: bytes not yet read).
"""
import fcntl, socket, struct, sys, termios, time

SIOCINQ = termios.FIONREAD
SIOCOUTQ = 0x5411


def q(s, req):
    return struct.unpack('i', fcntl.ioctl(s.fileno(), req, b'\0' * 4))[0]


def run(size):
    ls = socket.socket()
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname())
    s, _ = ls.accept()
    before = (c.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    c.setblocking(False)
    msg = b'x' * size
    sent = 0
    for _ in range(3):  # retry after a pause: the stack may still be moving bytes
        while True:
            try:
                n = c.send(msg)
            except BlockingIOError:
                break
            sent += n
        time.sleep(0.05)
    after = (c.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    print(f'size={size} accepted={sent} sndbuf_before={before[0]} rcvbuf_before={before[1]} '
          f'sndbuf_after={after[0]} rcvbuf_after={after[1]} sender_outq={q(c, SIOCOUTQ)} receiver_inq={q(s, SIOCINQ)}')
    for x in (c, s, ls):
        x.close()


for size in map(int, sys.argv[1:]):
    for _ in range(3):
        run(size)
