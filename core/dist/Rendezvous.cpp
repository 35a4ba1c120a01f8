#include "core/dist/Rendezvous.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/util/Error.h"

namespace scdfm {

bool Rendezvous::loopback() const {
  return kind == Kind::Tcp && (host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]");
}

Rendezvous parseRendezvous(const std::string& address) {
  const std::string forms = "Give tcp://HOST:PORT (rank 0's host and a free port) or file:///PATH (a new file on a "
                            "file system every rank sees)";
  Rendezvous r;
  if (address.rfind("file://", 0) == 0) {
    r.kind = Rendezvous::Kind::File;
    r.path = address.substr(7);
    if (r.path.empty() || r.path.front() != '/')
      throw InputError("", "--rendezvous", "'" + address + "' does not name an absolute path", forms);
    return r;
  }
  if (address.rfind("tcp://", 0) != 0)
    throw InputError("", "--rendezvous", "'" + address + "' is neither tcp:// nor file://", forms);
  const std::string rest = address.substr(6);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
    throw InputError("", "--rendezvous", "'" + address + "' lacks HOST:PORT", forms);
  r.host = rest.substr(0, colon);
  if (r.host.size() > 2 && r.host.front() == '[' && r.host.back() == ']') r.host = r.host.substr(1, r.host.size() - 2);
  const std::string portText = rest.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(portText.c_str(), &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535)
    throw InputError("", "--rendezvous", "port '" + portText + "' is not a number from 1 to 65535", forms);
  r.port = static_cast<std::uint16_t>(port);
  return r;
}

std::uint16_t freeLocalPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw InternalError(std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw InternalError("cannot find a free port on 127.0.0.1: " + why);
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace scdfm
