#include "core/flow/OdeSolver.h"

#include <algorithm>
#include <cctype>

#include "core/util/Error.h"

namespace scdfm {

OdeMethod parseOdeMethod(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "euler") return OdeMethod::Euler;
  if (n == "midpoint") return OdeMethod::Midpoint;
  if (n == "rk4") return OdeMethod::Rk4;
  throw InputError("", "ODE method", "unknown method '" + name + "'", "use euler, midpoint or rk4");
}

const char* toString(OdeMethod m) {
  switch (m) {
    case OdeMethod::Euler: return "euler";
    case OdeMethod::Midpoint: return "midpoint";
    case OdeMethod::Rk4: return "rk4";
  }
  return "?";
}

int evaluationsPerStep(OdeMethod m) {
  switch (m) {
    case OdeMethod::Euler: return 1;
    case OdeMethod::Midpoint: return 2;
    case OdeMethod::Rk4: return 4;
  }
  return 1;
}

torch::Tensor uniformTimeGrid(std::int64_t points) {
  if (points < 2) throw InputError("", "time points", "need at least 2 grid points, got " + std::to_string(points));
  return torch::linspace(0.0, 1.0, points, torch::TensorOptions().dtype(torch::kFloat32));
}

torch::Tensor odeStep(const VelocityField& f, const torch::Tensor& t0, const torch::Tensor& t1, const torch::Tensor& y0,
                      OdeMethod method) {
  const auto dt = t1 - t0;
  constexpr double third = 1.0 / 3.0, twoThirds = 2.0 / 3.0;
  switch (method) {
    case OdeMethod::Euler: return y0 + dt * f(t0, y0);
    case OdeMethod::Midpoint: {
      const auto half = 0.5 * dt;
      const auto yMid = y0 + f(t0, y0) * half;
      return y0 + dt * f(t0 + half, yMid);
    }
    case OdeMethod::Rk4: {
      const auto k1 = f(t0, y0);
      const auto k2 = f(t0 + dt * third, y0 + dt * k1 * third);
      const auto k3 = f(t0 + dt * twoThirds, y0 + dt * (k2 - k1 * third));
      const auto k4 = f(t1, y0 + dt * (k1 - k2 + k3));
      return y0 + (k1 + 3 * (k2 + k3) + k4) * dt * 0.125;
    }
  }
  throw InternalError("odeStep: unknown method");
}

torch::Tensor odeintFixedGrid(const VelocityField& f, const torch::Tensor& y0, const torch::Tensor& grid,
                              OdeMethod method, const std::function<void(std::int64_t, const torch::Tensor&)>& onState) {
  if (grid.dim() != 1 || grid.size(0) < 2) throw InputError("", "time grid", "must be 1-D with at least 2 points");
  auto g = grid.to(y0.device(), torch::kFloat32);
  auto y = y0;
  if (onState) onState(0, y);
  for (std::int64_t k = 0; k + 1 < g.size(0); ++k) {
    y = odeStep(f, g[k], g[k + 1], y, method);
    if (onState) onState(k + 1, y);
  }
  return y;
}

}  // namespace scdfm
