#pragma once
// Fixed-grid ODE methods (torchdiffeq's fixed-grid solvers). Torch-free.
#include <string>

namespace scdfm {

enum class OdeMethod { Euler, Midpoint, Rk4 };

// "euler", "midpoint", "rk4" (case-insensitive); InputError otherwise.
OdeMethod parseOdeMethod(const std::string& name);
const char* toString(OdeMethod m);
int evaluationsPerStep(OdeMethod m);  // 1, 2, 4

}  // namespace scdfm
