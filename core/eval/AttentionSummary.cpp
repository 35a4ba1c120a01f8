#include "core/eval/AttentionSummary.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "core/util/Error.h"

namespace scdfm {

const char* toString(AttentionKind kind) {
  switch (kind) {
    case AttentionKind::Softmax1: return "softmax 1";
    case AttentionKind::Softmax2: return "softmax 2";
    case AttentionKind::Difference: return "softmax 1 − λ·softmax 2";
  }
  return "";
}

AttentionInventory attentionInventory(const std::vector<AttentionMap>& maps) {
  AttentionInventory inv;
  std::set<std::int64_t> blocks, cells;
  for (const auto& m : maps) {
    blocks.insert(m.block);
    cells.insert(m.cell);
    if (std::find(inv.parts.begin(), inv.parts.end(), m.part) == inv.parts.end()) inv.parts.push_back(m.part);
  }
  inv.blocks.assign(blocks.begin(), blocks.end());
  inv.cells.assign(cells.begin(), cells.end());
  if (!maps.empty()) {
    inv.heads = maps.front().heads;
    inv.genes = maps.front().rows;
    inv.time = maps.front().time;
  }
  return inv;
}

AttentionMatrix attentionMatrix(const std::vector<AttentionMap>& maps, const AttentionSelection& sel) {
  const std::string where = fmt::format("attention map (block {}, {})", sel.block, sel.part);
  AttentionMatrix out;
  std::int64_t rows = -1, cols = -1;
  for (const auto& m : maps) {
    if (m.block != sel.block || m.part != sel.part || (sel.cell >= 0 && m.cell != sel.cell)) continue;
    if (rows < 0) {
      rows = m.rows;
      cols = m.cols;
      out.values = Eigen::MatrixXd::Zero(rows, cols);
    } else if (m.rows != rows || m.cols != cols) {
      throw InputError("", where, "the maps of different cells differ in shape", "Compute all maps in one run.");
    }
    if (sel.head >= m.heads)
      throw InputError("", where, fmt::format("head {} requested but the block has {} heads", sel.head, m.heads),
                       "Choose a head from 0 to heads − 1, or the mean over heads.");
    const std::int64_t h0 = sel.head < 0 ? 0 : sel.head, h1 = sel.head < 0 ? m.heads : sel.head + 1;
    const double perHead = 1.0 / static_cast<double>(h1 - h0);
    for (std::int64_t h = h0; h < h1; ++h)
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
          double v = 0;
          switch (sel.kind) {
            case AttentionKind::Softmax1: v = m.at1(h, r, c); break;
            case AttentionKind::Softmax2: v = m.at2(h, r, c); break;
            case AttentionKind::Difference: v = m.at1(h, r, c) - m.lambda * m.at2(h, r, c); break;
          }
          out.values(r, c) += v * perHead;
        }
    out.lambda += m.lambda;
    ++out.mapsAveraged;
  }
  if (out.mapsAveraged == 0)
    throw InputError("", where,
                     sel.cell >= 0 ? fmt::format("no map for generated cell {}", sel.cell) : "no map was recorded",
                     "Predict again with attention maps for this block (and cell).");
  out.values /= static_cast<double>(out.mapsAveraged);
  out.lambda /= out.mapsAveraged;
  return out;
}

Eigen::VectorXd attentionReceived(const Eigen::MatrixXd& matrix, const std::vector<int>& queryRows) {
  if (queryRows.empty()) return matrix.colwise().mean().transpose();
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(matrix.cols());
  for (int r : queryRows) {
    if (r < 0 || r >= matrix.rows())
      throw InputError("", "attention received", fmt::format("query row {} outside the {} genes", r, matrix.rows()));
    sum += matrix.row(r).transpose();
  }
  return sum / static_cast<double>(queryRows.size());
}

std::vector<int> topAttended(const Eigen::VectorXd& received, int n, const std::vector<int>& exclude) {
  std::vector<int> idx;
  for (int i = 0; i < received.size(); ++i)
    if (std::find(exclude.begin(), exclude.end(), i) == exclude.end()) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return received[a] > received[b]; });
  idx.resize(std::min<std::size_t>(idx.size(), static_cast<std::size_t>(std::max(n, 0))));
  return idx;
}

}  // namespace scdfm
