#pragma once
// Random numbers for the simulator, with our own distributions so that one
// seed gives one dataset on every platform and standard library.
//
// Counter-based streams: every (seed, purpose, cell, gene) tuple gets its own
// small generator (SplitMix64), so cells can be simulated in any order or on
// any number of threads, and two conditions simulated "with the same cell"
// share every random draw except the perturbation (common random numbers,
// used for low-noise ground truth).
#include <cstdint>

namespace scdfm::sim {

// Mixes a 64-bit value (SplitMix64 finaliser).
std::uint64_t mix64(std::uint64_t x);
// Combines a seed with up to three stream ids into one stream seed.
std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0);

class SimRandom {
 public:
  explicit SimRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();                      // [0, 1)
  double uniformOpen();                  // (0, 1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  int uniformInt(int n);                 // 0..n-1
  double normal();                       // N(0, 1), Box–Muller
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double gamma(double shape);            // Gamma(shape, scale 1), Marsaglia–Tsang
  double beta(double a, double b);
  long long poisson(double lambda);      // inversion (small λ) / PTRS (large λ)
  // Negative binomial with mean mu and size theta (variance mu + mu^2/theta),
  // as a gamma–Poisson mixture.
  long long negativeBinomial(double mu, double theta);
  bool bernoulli(double p) { return uniform() < p; }

 private:
  std::uint64_t state_;
};

}  // namespace scdfm::sim
