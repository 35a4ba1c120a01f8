#pragma once
// Where the ranks of a job meet: `tcp://HOST:PORT` (rank 0 serves a TCP store
// on PORT, the others connect to HOST) or `file:///PATH` (a store file on a file
// system every rank sees; use a fresh path per job). Torch-free.
#include <cstdint>
#include <string>

namespace scdfm {

struct Rendezvous {
  enum class Kind { Tcp, File } kind = Kind::Tcp;
  std::string host;        // tcp
  std::uint16_t port = 0;  // tcp
  std::string path;        // file
  // True when every rank must be on this machine (tcp to a loopback address).
  bool loopback() const;
};

// InputError (field --rendezvous) with the accepted forms when `address` is not one of them.
Rendezvous parseRendezvous(const std::string& address);

// A TCP port that is free on 127.0.0.1 now (bind to port 0); for local jobs and tests.
std::uint16_t freeLocalPort();

}  // namespace scdfm
