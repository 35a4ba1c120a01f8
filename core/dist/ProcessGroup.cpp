#include "core/dist/ProcessGroup.h"

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(SCDFM_HAVE_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(SCDFM_HAVE_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/dist/ProcessGroupImpl.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::uint8_t> bytesOf(const std::string& s) { return {s.begin(), s.end()}; }

std::string joinRanks(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) out += (i ? (i + 1 == ranks.size() ? " and " : ", ") : "") + std::to_string(ranks[i]);
  return out;
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string seconds(std::chrono::milliseconds d) {
  std::ostringstream out;
  out << static_cast<double>(d.count()) / 1000.0 << " s";
  return out.str();
}

c10::intrusive_ptr<c10d::Store> openStore(const GroupOptions& o, const Rendezvous& r) {
  if (r.kind == Rendezvous::Kind::File) {
    auto store = c10::make_intrusive<c10d::FileStore>(r.path, o.worldSize);
    store->setTimeout(o.timeout);
    return store;
  }
  c10d::TCPStoreOptions so;
  so.port = r.port;
  so.isServer = o.rank == 0;
  so.numWorkers = static_cast<std::size_t>(o.worldSize);
  so.waitWorkers = true;  // every rank returns once all have connected
  so.timeout = o.timeout;
  return c10::make_intrusive<c10d::TCPStore>(r.host, so);
}

#if defined(SCDFM_HAVE_GLOO)
// The address this rank's Gloo pairs listen on. SCDFM_DIST_IFNAME / SCDFM_DIST_HOST
// choose one (as GLOO_SOCKET_IFNAME does for PyTorch); a loopback rendezvous
// keeps everything on 127.0.0.1; otherwise the address of this host's name.
std::shared_ptr<::gloo::transport::Device> glooDevice(const Rendezvous& r) {
  if (const char* ifname = std::getenv("SCDFM_DIST_IFNAME"); ifname && *ifname)
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (const char* host = std::getenv("SCDFM_DIST_HOST"); host && *host)
    return c10d::ProcessGroupGloo::createDeviceForHostname(host);
  if (r.loopback()) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

c10::intrusive_ptr<c10d::ProcessGroup> openBackend(ProcessGroup::Impl& m, std::string& name) {
  const auto& o = m.options;
  if (o.device.rfind("cuda", 0) == 0) {
#if defined(SCDFM_HAVE_NCCL)
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = o.timeout;
    name = "nccl";
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(m.store, o.rank, o.worldSize, opts);
#else
    throw InputError("", "--device", "'" + o.device + "' across processes needs NCCL, which this LibTorch lacks",
                     "Use --device cpu for multi-process runs with this build");
#endif
  }
#if defined(SCDFM_HAVE_GLOO)
  auto opts = c10d::ProcessGroupGloo::Options::create(o.timeout);
  opts->devices.push_back(glooDevice(m.rendezvous));
  name = "gloo";
  return c10::make_intrusive<c10d::ProcessGroupGloo>(m.store, o.rank, o.worldSize, opts);
#else
  throw InputError("", "--world-size", "this build of scdfm has no multi-process engine (built without Gloo's headers)",
                   "Install libgloo-dev and rebuild, or run one process");
#endif
}

}  // namespace

void ProcessGroup::Impl::beatOnce() {
  std::lock_guard<std::mutex> lock(storeMutex);
  messages->add("beat/" + std::to_string(options.rank), 1);
  bool anyCancelled = false;
  for (const auto& t : relayed) anyCancelled = anyCancelled || t.cancelled();
  if (anyCancelled && !cancelPublished) {
    messages->set("cancel", bytesOf(std::to_string(options.rank)));
    cancelPublished = true;
  }
  if (!relayed.empty() && messages->check({"cancel"}))
    for (const auto& t : relayed) t.cancel();
}

std::vector<int> ProcessGroup::Impl::silentRanks(std::chrono::milliseconds patience) {
  std::lock_guard<std::mutex> lock(storeMutex);
  const auto now = Clock::now();
  std::vector<int> silent;
  for (int r = 0; r < options.worldSize; ++r) {
    if (r == options.rank) continue;
    const auto count = messages->add("beat/" + std::to_string(r), 0);
    auto it = beats.find(r);
    if (it == beats.end() || it->second.first != count) {
      beats[r] = {count, now};
      continue;
    }
    if (now - it->second.second >= patience && !messages->check({"leaving/" + std::to_string(r)}) &&
        !messages->check({"msg/done/" + std::to_string(r)}))
      silent.push_back(r);
  }
  return silent;
}

std::vector<int> ProcessGroup::Impl::failedRanks() {
  std::lock_guard<std::mutex> lock(storeMutex);
  std::vector<int> failed;
  for (int r = 0; r < options.worldSize; ++r)
    if (r != options.rank && messages->check({"leaving/" + std::to_string(r)})) failed.push_back(r);
  return failed;
}

ProcessGroup::ProcessGroup(const GroupOptions& options) : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.options = options;
  if (m.options.device == "auto") m.options.device = torch::cuda::is_available() ? "cuda" : "cpu";  // as selectDevice
  // Ranks on one machine share its GPUs round-robin: NCCL refuses two ranks on one device.
  if (m.options.device == "cuda" && options.worldSize > 1 && torch::cuda::device_count() > 1)
    m.options.device = "cuda:" + std::to_string(options.rank % static_cast<int>(torch::cuda::device_count()));
  const auto& o = m.options;
  if (o.worldSize < 1) throw InputError("", "--world-size", "must be at least 1");
  if (o.rank < 0 || o.rank >= o.worldSize)
    throw InputError("", "--rank", std::to_string(o.rank) + " is not in 0.." + std::to_string(o.worldSize - 1),
                     "Give each process a different rank from 0 to world size - 1");
  if (o.worldSize == 1) return;
  if (o.rendezvous.empty())
    throw InputError("", "--rendezvous", "a world size above 1 needs a rendezvous address",
                     "Give every rank the same --rendezvous tcp://HOST:PORT (HOST runs rank 0) or file:///PATH");
  m.rendezvous = parseRendezvous(o.rendezvous);
  const std::string where = "rank " + std::to_string(o.rank) + " of " + std::to_string(o.worldSize);
  const std::string howToStart = "Start all " + std::to_string(o.worldSize) + " ranks (--rank 0 to " +
                                 std::to_string(o.worldSize - 1) + ", each once) with the same --rendezvous " +
                                 o.rendezvous + " and --world-size within --timeout (" + seconds(o.timeout) + ")";
  try {
    m.store = openStore(o, m.rendezvous);
    m.messages = c10::make_intrusive<c10d::PrefixStore>("scdfm", m.store);
  } catch (const std::exception& e) {
    throw DistributedError(where + ": the ranks did not all meet at " + o.rendezvous + " (" + firstLine(e.what()) +
                           "). " + howToStart);
  }
  if (m.messages->add("rank/" + std::to_string(o.rank), 1) > 1)
    throw InputError("", "--rank", "rank " + std::to_string(o.rank) + " joined " + o.rendezvous + " twice",
                     "Give each process a different --rank (and a fresh file:// path per job)");
  try {
    m.backend = openBackend(m, m.backendName);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    std::vector<int> missing;
    for (int r = 0; r < o.worldSize; ++r)
      if (!m.messages->check({"rank/" + std::to_string(r)})) missing.push_back(r);
    throw DistributedError(where + ": could not connect the " + std::string(m.backendName) + " backend" +
                           (missing.empty() ? std::string() : " (rank " + joinRanks(missing) + " never joined)") +
                           ": " + firstLine(e.what()) + ". " + howToStart);
  }
  m.heartbeat = std::thread([&m] {
    std::unique_lock<std::mutex> lock(m.wakeMutex);
    while (!m.stopping) {
      lock.unlock();
      try {
        m.beatOnce();
      } catch (const std::exception&) {
        m.storeLost = true;  // the store's host is gone; failure() reports it
        return;
      }
      lock.lock();
      m.wake.wait_for(lock, m.options.heartbeat, [&m] { return m.stopping; });
    }
  });
}

ProcessGroup::~ProcessGroup() {
  if (!impl_ || !impl_->heartbeat.joinable()) return;
  // A rank that leaves because it was cancelled tells the others first.
  if (!impl_->storeLost) {
    try {
      impl_->beatOnce();
    } catch (const std::exception&) {
    }
  }
  {
    std::lock_guard<std::mutex> lock(impl_->wakeMutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->heartbeat.join();
}

int ProcessGroup::rank() const { return impl_->options.rank; }
int ProcessGroup::worldSize() const { return impl_->options.worldSize; }
const GroupOptions& ProcessGroup::options() const { return impl_->options; }
std::string ProcessGroup::backendName() const { return impl_->backendName; }

void ProcessGroup::publish(const std::string& key, const std::string& bytes) {
  if (!distributed()) throw InternalError("ProcessGroup::publish in a group of one");
  try {
    std::lock_guard<std::mutex> lock(impl_->storeMutex);
    impl_->messages->set("msg/" + key, bytesOf(bytes));
  } catch (const std::exception& e) {
    throw failure("publishing " + key, firstLine(e.what()), "");
  }
}

std::optional<std::string> ProcessGroup::tryFetch(const std::string& key) {
  if (!distributed()) return std::nullopt;
  try {
    std::lock_guard<std::mutex> lock(impl_->storeMutex);
    if (!impl_->messages->check({"msg/" + key})) return std::nullopt;
    const auto v = impl_->messages->get("msg/" + key);
    return std::string(v.begin(), v.end());
  } catch (const std::exception& e) {
    throw failure("reading " + key, firstLine(e.what()), "");
  }
}

void ProcessGroup::remove(const std::string& key) {
  if (!distributed()) return;
  try {
    std::lock_guard<std::mutex> lock(impl_->storeMutex);
    impl_->messages->deleteKey("msg/" + key);
  } catch (const std::exception&) {
    // Only frees memory; a store that cannot delete keeps the message.
  }
}

std::string ProcessGroup::fetch(const std::string& key, const std::string& during, const CancelToken& cancel) {
  // Nobody could send it: say so now rather than after --timeout (as publish does).
  if (!distributed()) throw InternalError("ProcessGroup::fetch in a group of one (" + during + ")");
  const auto start = Clock::now();
  const auto patience = 5 * impl_->options.heartbeat;
  auto nextCheck = start + impl_->options.heartbeat;
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (auto v = tryFetch(key)) return *v;
    cancel.throwIfCancelled();
    const auto now = Clock::now();
    if (now - start > impl_->options.timeout)
      throw failure(during, "nothing arrived within --timeout (" + seconds(impl_->options.timeout) + ")", "");
    if (now >= nextCheck) {
      nextCheck = now + impl_->options.heartbeat;
      std::vector<int> silent, failed;
      try {
        silent = impl_->silentRanks(patience);
        failed = impl_->failedRanks();
      } catch (const std::exception& e) {
        throw failure(during, firstLine(e.what()), "");
      }
      if (!silent.empty()) throw failure(during, "no heartbeat for " + seconds(patience), "");
      // A rank that stopped with an error will not send what we wait for.
      if (!failed.empty()) throw failure(during, "it will not send what this rank waits for", "");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

void ProcessGroup::relayCancel(const CancelToken& token) {
  if (!distributed()) return;
  std::lock_guard<std::mutex> lock(impl_->storeMutex);
  impl_->relayed.push_back(token);
}

DistributedError ProcessGroup::failure(const std::string& during, const std::string& cause,
                                       const std::string& whatToDo) {
  auto& m = *impl_;
  const std::string me = "rank " + std::to_string(m.options.rank) + ": ";
  std::string lost;
  if (distributed()) {
    try {
      {
        std::lock_guard<std::mutex> lock(m.storeMutex);
        m.messages->set("leaving/" + std::to_string(m.options.rank), bytesOf("1"));
      }
      // Watch the heartbeats for a few beats: the ranks that stay silent are the lost ones.
      std::vector<int> silent;
      const auto patience = 3 * m.options.heartbeat;
      const auto until = Clock::now() + patience + m.options.heartbeat;
      while (Clock::now() < until) {
        silent = m.silentRanks(patience);
        std::this_thread::sleep_for(m.options.heartbeat / 4);
      }
      if (!silent.empty()) lost = "lost rank " + joinRanks(silent);
      else if (const auto failed = m.failedRanks(); !failed.empty()) lost = "rank " + joinRanks(failed) + " stopped with an error";
    } catch (const std::exception&) {
      lost = m.rendezvous.kind == Rendezvous::Kind::Tcp
                 ? "lost rank 0 (it served the rendezvous store, which no longer answers)"
                 : "lost the rendezvous store " + m.rendezvous.path;
    }
  }
  std::string msg = me + (lost.empty() ? "the group failed" : lost) + " during " + during + " (" + cause + ")";
  if (lost.empty() && distributed())
    msg += "; every other rank is still alive, so a rank was too slow: raise --timeout";
  msg += ".";
  if (!whatToDo.empty()) msg += " " + whatToDo;
  return DistributedError(msg);
}

void ProcessGroup::finish() {
  if (!distributed()) return;
  publish("done/" + std::to_string(rank()), "1");
  if (rank() != 0) return;
  for (int r = 1; r < worldSize(); ++r) fetch("done/" + std::to_string(r), "the end of the job");
}

}  // namespace scdfm
