#include "core/sim/SimRandom.h"

#include <cmath>

namespace scdfm::sim {

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  const std::uint64_t golden = 0x9e3779b97f4a7c15ULL;
  std::uint64_t h = mix64(seed + golden);
  h = mix64(h ^ (a + golden));
  h = mix64(h ^ (b + 2 * golden));
  h = mix64(h ^ (c + 3 * golden));
  return h;
}

std::uint64_t SimRandom::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix64(state_);
}

double SimRandom::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double SimRandom::uniformOpen() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

int SimRandom::uniformInt(int n) {
  return n <= 1 ? 0 : static_cast<int>((next() >> 11) % static_cast<std::uint64_t>(n));
}

double SimRandom::normal() {
  // One value per call (the partner is dropped) keeps streams simple to reason about.
  const double u1 = uniformOpen(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double SimRandom::gamma(double shape) {
  if (shape <= 0) return 0.0;
  if (shape < 1.0) {
    // Boost: Gamma(a) = Gamma(a+1) * U^(1/a).
    const double g = gamma(shape + 1.0);
    return g * std::pow(uniformOpen(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniformOpen();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double SimRandom::beta(double a, double b) {
  const double x = gamma(a), y = gamma(b);
  const double s = x + y;
  return s > 0 ? x / s : 0.5;
}

long long SimRandom::poisson(double lambda) {
  if (!(lambda > 0)) return 0;
  if (lambda < 10.0) {
    // Inversion by sequential search.
    double p = std::exp(-lambda), cdf = p;
    const double u = uniform();
    long long k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= lambda / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  // PTRS, Hörmann (1993): transformed rejection with squeeze.
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform() - 0.5, v = uniformOpen();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<long long>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -lambda + k * loglam - std::lgamma(k + 1))
      return static_cast<long long>(k);
  }
}

long long SimRandom::negativeBinomial(double mu, double theta) {
  if (!(mu > 0)) return 0;
  if (!(theta > 0) || std::isinf(theta)) return poisson(mu);
  return poisson(mu * gamma(theta) / theta);
}

}  // namespace scdfm::sim
