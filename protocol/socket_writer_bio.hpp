// The BIO OpenSSL writes a connection's TLS records to: it gathers records
// (16 KiB each at most) into one buffer and sends them to the socket in
// large send() calls, one for several records instead of one per record,
// with MSG_NOSIGNAL (a peer gone is an error, never a SIGPIPE). The buffer
// exists only while bytes wait to be sent and is freed once a flush empties
// it, so an idle connection holds none. A caller must BIO_flush after its
// last write (OpenSSL flushes handshake messages itself). Does not close
// the descriptor. Same thread-safety as the SSL object that owns it.
#pragma once

#include <openssl/bio.h>

namespace fedq::protocol {

// A writer for the non-blocking socket `fd`; nullptr on allocation failure.
BIO* NewSocketWriterBio(int fd);

}  // namespace fedq::protocol
