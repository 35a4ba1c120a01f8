// bench_cancel <data.h5ad> <checkpoint.safetensors> [--runs N] [--threads T] [--seed S] [--jobs predict,screen,umap,train]
// Cancel latency of the long jobs as the GUI runs them: each job starts on a
// worker thread, Cancel is pressed after a seeded random delay, and the time
// from Cancel until the job has returned is recorded. Prints median, p99 and
// max in ms per job (and a TSV line per job for bench/run). No thresholds:
// the tests check that the work stops; this measures how fast.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/data/Preprocess.h"
#include "core/embed/Pca.h"
#include "core/embed/Umap.h"
#include "core/flow/CombinationScreen.h"
#include "core/flow/Predictor.h"
#include "core/flow/Trainer.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

using namespace scdfm;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

struct Latencies {
  std::vector<double> ms;
  int finishedFirst = 0;  // the job ended before the delay ran out
};

// Runs job(cancel) `runs` times, cancelling after a uniform random delay in [0, maxDelayMs].
template <class Job>
Latencies measure(const char* name, Job job, int runs, double maxDelayMs, std::uint64_t seed) {
  Latencies out;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> delay(0.0, maxDelayMs);
  for (int r = 0; r < runs; ++r) {
    CancelToken cancel;
    std::atomic<bool> done{false};
    Clock::time_point end;
    std::thread worker([&] {
      try {
        job(cancel);
      } catch (const Cancelled&) {
      }
      end = Clock::now();
      done = true;
    });
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(delay(rng)));
    while (!done && Clock::now() < until) std::this_thread::sleep_for(std::chrono::microseconds(200));
    const auto pressed = Clock::now();
    cancel.cancel();
    worker.join();
    if (end <= pressed) ++out.finishedFirst;
    else out.ms.push_back(ms(pressed, end));
    std::fprintf(stderr, "\r%s: run %d/%d", name, r + 1, runs);
  }
  std::fprintf(stderr, "\n");
  return out;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(pos);
  const double f = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

void report(const char* name, const Latencies& l) {
  const double mx = l.ms.empty() ? 0 : *std::max_element(l.ms.begin(), l.ms.end());
  std::printf("%-8s cancels %3zu  median %7.1f ms  p99 %7.1f ms  max %7.1f ms  (finished before cancel: %d)\n", name,
              l.ms.size(), quantile(l.ms, 0.5), quantile(l.ms, 0.99), mx, l.finishedFirst);
  std::printf("TSV\tcancel_%s\t%.1f\t%.1f\t%.1f\n", name, quantile(l.ms, 0.5), quantile(l.ms, 0.99), mx);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <data.h5ad> <checkpoint.safetensors> [--runs N] [--threads T] [--seed S] [--jobs LIST]\n",
                 argv[0]);
    return 2;
  }
  const std::string data = argv[1], checkpoint = argv[2];
  int runs = 100, threads = 1;
  std::uint64_t seed = 1;
  std::string jobs = "predict,screen,umap,train";
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--runs") runs = std::stoi(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--seed") seed = std::stoull(next());
    else if (a == "--jobs") jobs = next();
  }
  auto wanted = [&](const char* j) { return ("," + jobs + ",").find("," + std::string(j) + ",") != std::string::npos; };
  try {
    setThreadCount(threads);
    const Dataset ds(data);
    const Predictor predictor(checkpoint, "cpu");
    const auto& ck = predictor.checkpoint();
    std::printf("cancel latency: %s (%lld cells), %s, %d threads, %d runs per job\n", data.c_str(),
                static_cast<long long>(ds.nCells()), checkpoint.c_str(), threadCount(), runs);
    if (wanted("predict")) {
      PredictRequest req;  // the GUI's default: 128 cells, RK4 on 20 points
      for (std::size_t i = 0; i < 4 && i < ck.training.trainConditions.size(); ++i)
        req.perturbations.push_back(ck.training.trainConditions[i]);
      report("predict", measure("predict", [&](const CancelToken& c) { predictor.predict(ds, req, {}, {}, c); }, runs,
                                3000, seed));
    }
    if (wanted("screen")) {
      CombinationScreenRequest req;
      for (const auto& g : ck.genes) {
        if (req.genes.size() == 4) break;
        try {
          if (!predictor.check(g, &ds).combination) req.genes.push_back(g);
        } catch (const InputError&) {
        }
      }
      report("screen",
             measure("screen", [&](const CancelToken& c) { runCombinationScreen(predictor, ds, req, {}, {}, c); }, runs,
                     3000, seed + 1));
    }
    if (wanted("umap")) {
      // The GUI's UMAP of the dataset: PCA of all cells (not timed), then the fit.
      std::vector<std::int64_t> rows(static_cast<std::size_t>(ds.nCells()));
      for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int64_t>(i);
      ExpressionMatrix x = ds.expression(rows);
      normalizeTotal(x, 1e4);
      log1pInPlace(x);
      PcaOptions po;
      const RowMatrixF scores = (x.sparse ? fitPca(x.csr, po) : fitPca(x.dense, po)).scores;
      x = ExpressionMatrix();
      UmapOptions uo;
      uo.threads = threads;
      report("umap", measure("umap", [&](const CancelToken& c) { UmapModel::fit(scores, uo, {}, c); }, runs, 5000,
                             seed + 2));
    }
    if (wanted("train")) {
      TrainerOptions o;  // the demo model's recipe (models/scdfm-demo/MODEL_CARD.md)
      o.model.d_model = 64;
      o.model.nhead = 4;
      o.model.nlayers = 2;
      o.model.ntoken = 0;
      o.model.dropout = 0;
      o.nTopGenes = 64;
      o.normalizeTotal = 1e4;
      o.log1p = true;
      o.device = "cpu";
      o.steps = 100000;
      // A cancelled training saves the weights of its completed steps: that write is part of the latency.
      o.outDir = (std::filesystem::temp_directory_path() / ("scdfm_bench_cancel_" + std::to_string(::getpid()))).string();
      report("train", measure("train",
                              [&](const CancelToken& c) {
                                std::filesystem::remove_all(o.outDir);  // each run starts a new training
                                trainModel(ds, o, {}, {}, c);
                              },
                              runs, 6000, seed + 3));
      std::filesystem::remove_all(o.outDir);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_cancel: %s\n", e.what());
    return 1;
  }
  return 0;
}
