// bench_inference <case-folder> [--cells N] [--threads T] [--points P] [--method rk4]
//                 [--chunk C] [--no-cache-compare] [--train-steps K]
// Generation speed of the scDFM network on a golden-layout case folder
// (weights.safetensors + sample.safetensors for genes, controls, perturbation),
// per-evaluation time with and without the per-generation cache, and one
// training step (batch 48: forward + loss + backward + Adam). No thresholds.
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/flow/FlowLoss.h"
#include "core/flow/FlowSampler.h"
#include "core/model/ScDfmModel.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/Threads.h"

using namespace scdfm;
using Clock = std::chrono::steady_clock;

static double seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }
// CPU seconds of the process: on a shared, loaded machine wall time says little;
// with 1 thread CPU time is the compute time.
static double cpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
static double peakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <case-folder> [--cells N] [--threads T] [--points P] [--method M] [--chunk C]\n",
                 argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  std::int64_t cells = 128, points = 20, chunk = 128, trainSteps = 3;
  int threads = 0;
  std::string method = "rk4";
  bool compare = true;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--cells") cells = std::stoll(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--points") points = std::stoll(next());
    else if (a == "--method") method = next();
    else if (a == "--chunk") chunk = std::stoll(next());
    else if (a == "--train-steps") trainSteps = std::stoll(next());
    else if (a == "--no-cache-compare") compare = false;
  }
  try {
    setThreadCount(threads);
    auto net = ScDfmNetwork::fromSafetensors(dir + "/weights.safetensors", dir + "/sample.safetensors", "auto");
    auto sample = readSafetensors(dir + "/sample.safetensors");
    const auto& ctrl = sample.at("control");
    const auto have = ctrl.shape[0], T = ctrl.shape[1];
    auto ctrlValues = ctrl.toFloat();
    auto ids = sample.at("gene_id").toInt64();
    auto pert = sample.at("perturbation_id").toInt64();
    const auto& cfg = net->config();
    std::printf("case %s: d_model %lld, %lld layers, %lld heads, %lld genes, %lld graph tokens, %lld params, device %s, "
                "%d threads\n",
                dir.c_str(), (long long)cfg.d_model, (long long)cfg.nlayers, (long long)cfg.nhead, (long long)T,
                (long long)net->graphTokens(), (long long)net->parameterCount(), net->deviceName().c_str(),
                threadCount());

    auto makeInput = [&](std::int64_t n) {
      SampleInput in;
      in.geneIds.assign(ids.begin(), ids.begin() + T);
      in.perturbationIds.assign(pert.begin(), pert.begin() + sample.at("perturbation_id").shape[1]);
      in.control.resize(static_cast<std::size_t>(n * T));
      for (std::int64_t c = 0; c < n; ++c)  // control cells recycled to reach n
        std::copy(ctrlValues.begin() + (c % have) * T, ctrlValues.begin() + (c % have + 1) * T,
                  in.control.begin() + c * T);
      return in;
    };

    // --- per-evaluation time at 16 cells (the spec's reference point) and at `cells`.
    auto& model = net->module();
    auto device = model.p_mask_embed.device();
    for (std::int64_t n : {std::int64_t(16), cells}) {
      torch::InferenceMode guard;
      auto in = makeInput(n);
      auto g = torch::tensor(in.geneIds).unsqueeze(0).expand({n, T}).to(device);
      auto p = torch::tensor(in.perturbationIds).unsqueeze(0).expand({n, 2}).to(device);
      auto c = torch::from_blob(in.control.data(), {n, T}).clone().to(device);
      auto x = torch::randn({n, T}).to(device);
      auto t = torch::tensor(0.5f).to(device);
      model.forward(g, x, t, c, p);  // warm-up
      const int reps = 5;
      auto a = Clock::now();
      double cpu = cpuNow();
      for (int r = 0; r < reps; ++r) model.forward(g, x, t, c, p);
      const double full = seconds(a) / reps, fullCpu = (cpuNow() - cpu) / reps;
      auto ctx = model.encodeContext(g, c, p, true);
      model.evaluate(ctx, x, t);
      a = Clock::now();
      cpu = cpuNow();
      for (int r = 0; r < reps; ++r) model.evaluate(ctx, x, t);
      const double cached = seconds(a) / reps, cachedCpu = (cpuNow() - cpu) / reps;
      a = Clock::now();
      cpu = cpuNow();
      model.encodeContext(g, c, p, true);
      const double context = seconds(a), contextCpu = cpuNow() - cpu;
      std::printf("%4lld cells: full forward %.4f s/eval (cpu %.4f), cached evaluate %.4f s/eval (cpu %.4f), "
                  "context once %.4f s (cpu %.4f)",
                  (long long)n, full, fullCpu, cached, cachedCpu, context, contextCpu);
      if (n == 16)
        std::printf("; spec reference 0.88 s/eval (authors' PyTorch, small config, 16 cells): ratio %.1fx / %.1fx",
                    0.88 / full, 0.88 / cached);
      std::printf("\n");
    }

    // --- whole generations.
    for (bool cache : {true, false}) {
      if (!cache && !compare) continue;
      for (std::int64_t n : {std::int64_t(16), cells}) {
        SamplerOptions opt;
        opt.method = parseOdeMethod(method);
        opt.timePoints = points;
        opt.chunkSize = chunk;
        opt.cacheContext = cache;
        opt.seed = 1;
        const double cpu = cpuNow();
        auto res = FlowSampler(net, opt).sample(makeInput(n));
        const double used = cpuNow() - cpu;
        std::printf("generate %4lld cells, %s %lld points (%lld NFE), cache %s: %.3f s (cpu %.3f s), %.2f cells/s, "
                    "peak RSS %.0f MiB\n",
                    (long long)n, method.c_str(), (long long)points, (long long)res.evaluations, cache ? "on " : "off",
                    res.seconds, used, n / res.seconds, peakRssMiB());
      }
    }

    // --- training step, batch 48.
    if (trainSteps > 0) {  // --train-steps 0: inference only
      const std::int64_t B = 48;
      auto train = ScDfmNetwork::fromSafetensors(dir + "/weights.safetensors", dir + "/sample.safetensors", "auto");
      auto& m = train->module();
      m.train();
      torch::optim::Adam adam(m.parameters(), torch::optim::AdamOptions(5e-5));
      torch::manual_seed(0);
      auto in = makeInput(B);
      auto g = torch::tensor(in.geneIds).unsqueeze(0).expand({B, T}).to(device);
      auto p = torch::tensor(in.perturbationIds).unsqueeze(0).expand({B, 2}).to(device);
      auto src = torch::from_blob(in.control.data(), {B, T}).clone().to(device);
      auto tgt = (src + 0.3 * torch::randn_like(src)).clamp_min(0);
      double total = 0, totalCpu = 0;
      for (std::int64_t s = 0; s <= trainSteps; ++s) {
        auto a = Clock::now();
        const double cpu = cpuNow();
        adam.zero_grad();  // LibTorch 1.13: no set_to_none argument
        auto r = flowMatchingLoss(m, g, src, tgt, p, torch::randn_like(src), torch::rand({B}).to(device));
        r.total.backward();
        adam.step();
        if (s > 0) {  // step 0 is warm-up
          total += seconds(a);
          totalCpu += cpuNow() - cpu;
        }
      }
      std::printf("training step (batch %lld, forward+loss+backward+Adam): %.3f s/step (cpu %.3f), peak RSS %.0f MiB\n",
                  (long long)B, total / trainSteps, totalCpu / trainSteps, peakRssMiB());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
