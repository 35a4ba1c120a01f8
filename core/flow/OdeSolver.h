#pragma once
// Fixed-grid ODE integration with the exact step formulas of torchdiffeq 0.2.5
// (what the authors call through odeint(method='rk4'|'midpoint'|'euler')):
//   euler   : y += dt·f(t0, y)
//   midpoint: y += dt·f(t0 + dt/2, y + dt/2·f(t0, y))
//   rk4     : Kutta's 3/8 rule, k1=f(t0,y); k2=f(t0+dt/3, y+dt·k1/3);
//             k3=f(t0+2dt/3, y+dt·(k2−k1/3)); k4=f(t1, y+dt·(k1−k2+k3));
//             y += dt·(k1+3(k2+k3)+k4)/8.
// Times are 0-d float32 tensors, as torchdiffeq passes them.
#include <torch/torch.h>

#include <functional>

#include "core/flow/OdeMethod.h"

namespace scdfm {

using VelocityField = std::function<torch::Tensor(const torch::Tensor& t, const torch::Tensor& y)>;

// n points 0…1 inclusive (torch.linspace(0, 1, n), float32).
torch::Tensor uniformTimeGrid(std::int64_t points);

// One step from grid time t0 to t1.
torch::Tensor odeStep(const VelocityField& f, const torch::Tensor& t0, const torch::Tensor& t1, const torch::Tensor& y0,
                      OdeMethod method);

// Integrates over grid (1-D, increasing); onState(k, y_k) is called for every
// grid point k = 0…n−1 (k = 0 with y0) and may throw (e.g. Cancelled) to stop.
// Returns y at the last grid point.
torch::Tensor odeintFixedGrid(const VelocityField& f, const torch::Tensor& y0, const torch::Tensor& grid,
                              OdeMethod method,
                              const std::function<void(std::int64_t, const torch::Tensor&)>& onState = {});

}  // namespace scdfm
