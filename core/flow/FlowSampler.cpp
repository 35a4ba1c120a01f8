#include "core/flow/FlowSampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>

#include "core/flow/OdeSolver.h"
#include "core/model/ScDfmModel.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/Error.h"
#include "core/util/AvailableMemory.h"

namespace scdfm {

FlowSampler::FlowSampler(std::shared_ptr<const ScDfmNetwork> network, SamplerOptions options)
    : network_(std::move(network)), options_(std::move(options)) {
  if (!network_) throw InternalError("FlowSampler: no network");
  if (options_.timePoints < 2) throw InputError("", "time points", "need at least 2");
  if (options_.chunkSize <= 0)
    options_.chunkSize = network_->module().p_mask_embed.device().is_cuda() ? kGpuChunkCells : kCpuChunkCells;
}

double FlowSampler::peakBytes(std::int64_t cells, std::int64_t genes) const {
  const auto& cfg = network_->config();
  const double N = static_cast<double>(cells), T = static_cast<double>(genes);
  const double B = static_cast<double>(std::min(options_.chunkSize, cells));
  const double map = 4.0 * B * static_cast<double>(cfg.nhead) * T * T;    // one (B,H,T,T) attention map
  const double act = 4.0 * B * T * static_cast<double>(cfg.d_model);      // one (B,T,D) activation
  double bytes = 4.0 * N * T * 3;                                          // control, noise, prediction
  if (options_.keepTrajectory) bytes += 4.0 * N * T * static_cast<double>(options_.timePoints);
  // One attention at a time: scores and softmax of both maps, their product with V; the
  // block's activations and the solver's stages.
  bytes += 5.0 * map + 40.0 * act + 8.0 * 4.0 * B * T;
  const double cached = map * static_cast<double>(cfg.nlayers);
  if (options_.cacheContext && cached <= static_cast<double>(options_.controlMapBudgetBytes)) bytes += cached;
  bytes += static_cast<double>(options_.attentionCells.size()) * 4.0 * map / B * static_cast<double>(cfg.nlayers);
  return bytes;
}

SampleResult FlowSampler::sample(const SampleInput& in, const Progress& progress, const CancelToken& cancel) const {
  const auto t0Clock = std::chrono::steady_clock::now();
  applyTorchThreads();
  torch::InferenceMode inference;
  auto& model = network_->module();
  const auto T = static_cast<std::int64_t>(in.geneIds.size());
  if (T == 0) throw InputError("", "genes", "no genes to generate");
  if (in.control.empty() || in.control.size() % T != 0)
    throw InputError("", "control cells", "expected cells × " + std::to_string(T) + " values");
  const auto N = static_cast<std::int64_t>(in.control.size()) / T;
  if (in.perturbationIds.empty()) throw InputError("", "perturbation", "no perturbation tokens");
  if (!in.noise.empty() && in.noise.size() != in.control.size())
    throw InputError("", "noise", "must have the shape of the control cells");
  for (auto c : options_.attentionCells)
    if (c < 0 || c >= N) throw InputError("", "attention cell", "index " + std::to_string(c) + " out of range");
  requireMemory(peakBytes(N, T),
                "Generating " + std::to_string(N) + " cells × " + std::to_string(T) + " genes",
                "Integrate fewer cells together (a smaller chunk, e.g. --chunk 16), or generate fewer cells or genes");

  const auto device = model.p_mask_embed.device();
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  const auto i64 = torch::TensorOptions().dtype(torch::kInt64);
  auto control = torch::from_blob(const_cast<float*>(in.control.data()), {N, T}, f32).clone();
  torch::Tensor noise;
  if (!in.noise.empty()) {
    noise = torch::from_blob(const_cast<float*>(in.noise.data()), {N, T}, f32).clone();
  } else {
    // Noise drawn on the CPU for all cells at once: the same cells whatever the device or chunking.
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options_.seed);
    noise = torch::randn({N, T}, gen, f32);
  }
  auto genes = torch::tensor(in.geneIds, i64).unsqueeze(0);
  auto pert = torch::tensor(in.perturbationIds, i64).unsqueeze(0);
  auto grid = uniformTimeGrid(options_.timePoints);
  const auto steps = options_.timePoints - 1;
  // Grid point for the attention maps.
  std::int64_t attnPoint = -1;
  if (!options_.attentionCells.empty())
    attnPoint = std::clamp<std::int64_t>(std::llround(options_.attentionTime * steps), 0, steps);

  SampleResult res;
  res.cells = N;
  res.genes = T;
  res.prediction.resize(static_cast<std::size_t>(N * T));
  res.timeGrid.assign(grid.data_ptr<float>(), grid.data_ptr<float>() + grid.numel());
  if (options_.keepTrajectory) res.trajectory.resize(static_cast<std::size_t>((steps + 1) * N * T));
  res.evaluations = steps * evaluationsPerStep(options_.method);
  const auto& cfg = model.config();
  const auto chunks = (N + options_.chunkSize - 1) / options_.chunkSize;

  for (std::int64_t c = 0; c < chunks; ++c) {
    cancel.throwIfCancelled();
    const auto begin = c * options_.chunkSize, B = std::min(options_.chunkSize, N - begin);
    auto ctrl = control.narrow(0, begin, B).to(device);
    auto y0 = noise.narrow(0, begin, B).to(device);
    auto g = genes.expand({B, T}).to(device);
    auto p = pert.expand({B, pert.size(1)}).to(device);
    const double mapBytes = 4.0 * B * cfg.nhead * T * T * cfg.nlayers;
    const bool cacheMaps = options_.cacheContext && mapBytes <= static_cast<double>(options_.controlMapBudgetBytes);
    ScDfmContext ctx;
    if (options_.cacheContext) ctx = model.encodeContext(g, ctrl, p, cacheMaps);
    ctx.cancel = &cancel;
    cancel.throwIfCancelled();
    VelocityField f = [&](const torch::Tensor& t, const torch::Tensor& y) {
      if (options_.cacheContext) return model.evaluate(ctx, y, t);
      cancel.throwIfCancelled();
      return model.forward(g, y, t, ctrl, p);
    };
    std::vector<std::int64_t> localCells, globalCells;
    for (auto cell : options_.attentionCells)
      if (cell >= begin && cell < begin + B) {
        localCells.push_back(cell - begin);
        globalCells.push_back(cell);
      }
    auto onState = [&](std::int64_t k, const torch::Tensor& y) {
      if (options_.keepTrajectory) {
        auto cpu = y.to(torch::kCPU).contiguous();
        float* dst = res.trajectory.data() + (k * N + begin) * T;
        std::copy(cpu.data_ptr<float>(), cpu.data_ptr<float>() + B * T, dst);
      }
      if (k == attnPoint && !localCells.empty()) {
        ForwardTrace trace;
        trace.intermediates = false;
        trace.attentionCells = localCells;
        auto ctxA = options_.cacheContext ? ScDfmContext() : model.encodeContext(g, ctrl, p, false);
        model.evaluate(options_.cacheContext ? ctx : ctxA, y, grid[k].to(device), &trace);
        for (auto& a : trace.attention)
          for (std::size_t j = 0; j < globalCells.size(); ++j) {
            AttentionMap m;
            m.cell = globalCells[j];
            m.block = a.block;
            m.part = a.part;
            m.time = grid[k].item<double>();
            auto s1 = a.maps.softmax1[j].contiguous(), s2 = a.maps.softmax2[j].contiguous();
            m.heads = s1.size(0);
            m.rows = s1.size(1);
            m.cols = s1.size(2);
            m.softmax1.assign(s1.data_ptr<float>(), s1.data_ptr<float>() + s1.numel());
            m.softmax2.assign(s2.data_ptr<float>(), s2.data_ptr<float>() + s2.numel());
            m.lambda = a.maps.lambda;
            res.attention.push_back(std::move(m));
          }
      }
      if (k > 0) {
        progress.report(static_cast<double>(c * steps + k) / static_cast<double>(chunks * steps),
                        "ODE step " + std::to_string(k) + "/" + std::to_string(steps), k, steps);
        cancel.throwIfCancelled();
      }
    };
    auto y1 = odeintFixedGrid(f, y0, grid, options_.method, onState);
    if (options_.clampNegative) y1 = y1.clamp_min(0.0);
    auto cpu = y1.to(torch::kCPU).contiguous();
    std::copy(cpu.data_ptr<float>(), cpu.data_ptr<float>() + B * T, res.prediction.data() + begin * T);
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0Clock).count();
  return res;
}

}  // namespace scdfm
