// Training throughput of the data-parallel trainer (core/flow/Trainer.h over
// core/dist) for 1 and 2 processes on this machine, and the scaling efficiency
// against the one-process run measured in the same invocation. Each process
// uses one thread; a one-process, two-thread run is printed as the other way to
// use two cores. The same seed and global batch train the same model in every
// configuration, so only the time differs.
//
// Usage: bench_training_scaling DATA.h5ad [--steps 12] [--global-batch 8] [--batch 48]
//        [--d-model 64] [--genes-per-step 1000] [--hvg 200]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "core/data/Dataset.h"
#include "core/dist/ProcessGroup.h"
#include "core/flow/Trainer.h"
#include "core/util/Threads.h"

using namespace scdfm;
using Clock = std::chrono::steady_clock;

namespace {

struct Setup {
  std::string data;
  std::int64_t steps = 12, globalBatch = 8, batch = 48, dModel = 64, genesPerStep = 1000, hvg = 200;
  static constexpr std::int64_t kWarmup = 2;  // steps left out of the timing
};

// One rank: trains and, on rank 0, writes the seconds of the timed steps to `out`.
int runRank(const Setup& s, int world, int rank, int threads, const std::string& store, const std::string& out) {
  setThreadCount(threads);
  Dataset ds(s.data);
  GroupOptions g;
  g.worldSize = world;
  g.rank = rank;
  g.rendezvous = world > 1 ? "file://" + store : "";
  g.timeout = std::chrono::minutes(10);
  ProcessGroup group(g);
  TrainerOptions o;
  o.model.d_model = s.dModel;
  o.model.nhead = 4;
  o.model.nlayers = 2;
  o.model.ntoken = 0;
  o.steps = s.steps;
  o.batchSize = s.batch;
  o.globalBatch = s.globalBatch;
  o.genesPerStep = s.genesPerStep;
  o.nTopGenes = s.hvg;
  o.normalizeTotal = 1e4;
  o.log1p = true;
  o.device = "cpu";
  o.validationConditions = 0;
  o.group = &group;
  Clock::time_point start;
  trainModel(ds, o, [&](const TrainStepInfo& info) {
    if (info.step == Setup::kWarmup) start = Clock::now();
  });
  if (rank == 0) std::ofstream(out) << std::chrono::duration<double>(Clock::now() - start).count() << "\n";
  return 0;
}

// Forks `world` ranks (before this process touches torch) and returns rank 0's seconds.
double runJob(const Setup& s, int world, int threads) {
  char tmpl[] = "/tmp/scdfm-bench-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  const std::string dir = tmpl, out = dir + "/seconds";
  std::vector<pid_t> pids;
  for (int r = 0; r < world; ++r) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int rc = 1;
      try {
        rc = runRank(s, world, r, threads, dir + "/store", out);
      } catch (const std::exception& e) {
        std::cerr << "rank " << r << ": " << e.what() << "\n";
      }
      std::_Exit(rc);
    }
    pids.push_back(pid);
  }
  bool ok = true;
  for (pid_t p : pids) {
    int status = 0;
    ::waitpid(p, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  double seconds = -1;
  std::ifstream(out) >> seconds;
  std::filesystem::remove_all(dir);
  if (!ok || seconds <= 0) throw std::runtime_error("a rank failed");
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_training_scaling DATA.h5ad [--steps N] [--global-batch G] [--batch B] [--d-model D] "
                 "[--genes-per-step T] [--hvg H]\n";
    return 2;
  }
  Setup s;
  s.data = argv[1];
  ::setenv("SCDFM_DIST_HOST", "127.0.0.1", 0);  // the ranks talk over loopback
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::int64_t v = std::atoll(argv[i + 1]);
    if (k == "--steps") s.steps = v;
    else if (k == "--global-batch") s.globalBatch = v;
    else if (k == "--batch") s.batch = v;
    else if (k == "--d-model") s.dModel = v;
    else if (k == "--genes-per-step") s.genesPerStep = v;
    else if (k == "--hvg") s.hvg = v;
  }
  const double cellsTimed = static_cast<double>((s.steps - Setup::kWarmup) * s.globalBatch * s.batch);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured
  std::printf("data %s (%lld HVGs): d_model %lld, global batch %lld x %lld cells, %lld genes per step, %lld timed steps\n",
              s.data.c_str(), static_cast<long long>(s.hvg), static_cast<long long>(s.dModel), static_cast<long long>(s.globalBatch),
              static_cast<long long>(s.batch), static_cast<long long>(s.genesPerStep),
              static_cast<long long>(s.steps - Setup::kWarmup));
  std::printf("%-26s %10s %10s %10s %11s\n", "configuration", "seconds", "cells/s", "speed-up", "efficiency");
  const double one = runJob(s, 1, 1);
  auto row = [&](const char* name, double seconds, int cores) {
    const double speedup = one / seconds;
    std::printf("%-26s %10.2f %10.1f %9.2fx %10.0f%%\n", name, seconds, cellsTimed / seconds, speedup,
                100.0 * speedup / cores);
  };
  row("1 process x 1 thread", one, 1);
  row("2 processes x 1 thread", runJob(s, 2, 1), 2);
  row("1 process x 2 threads", runJob(s, 1, 2), 2);
  std::printf("(efficiency = speed-up / cores used; the reference is the 1-process run above)\n");
  return 0;
}
