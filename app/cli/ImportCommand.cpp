// scdfm import AUTHORS.pt [--vocab tokenizer.json] [--mask mask.pt] --out OURS.safetensors
// Converts the authors' PyTorch checkpoint (torch.save: a state_dict, or a dict
// with model_state_dict beside optimizer/scheduler state) or a safetensors
// state_dict into our checkpoint format. Reads torch files without Python.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/Command.h"
#include "core/flow/ModelLoading.h"
#include "core/io/ModelCheckpoint.h"

namespace scdfm::cli {
namespace {

struct ImportOptions {
  ImportRequest request;
  std::string out;
  bool quiet = false;
};

int runImport(const ImportOptions& o) {
  ImportReport report;
  ModelCheckpoint c = importAuthorsCheckpoint(o.request, &report);
  writeModelCheckpoint(o.out, c);
  if (o.quiet) return kOk;
  const auto& cfg = c.modelConfig;
  std::cout << "imported " << c.weights.size() << " tensors (" << report.parameters << " parameters)"
            << (report.strippedPrefixes.empty() ? "" : ", stripped key prefix '" + report.strippedPrefixes.front() + "'")
            << "\n"
            << "model: d_model " << cfg.value("d_model", 0) << ", " << cfg.value("nlayers", 0) << " layers, "
            << cfg.value("nhead", 0) << " heads, ntoken " << cfg.value("ntoken", 0) << "\n"
            << "vocabulary: " << (c.vocabulary.empty() ? "none" : std::to_string(c.vocabulary.size()) + " tokens")
            << ", genes: " << c.genes.size() << "\n"
            << "graph mask: " << (c.graphMask ? std::to_string(c.graphMask->shape[0]) + " tokens" : std::string("none"))
            << "\n"
            << "wrote " << o.out << "\n";
  for (const auto& w : report.warnings) std::cerr << "warning: " << w << "\n";
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "import",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<ImportOptions>();
      sub.add_option("checkpoint", o->request.checkpoint,
                     "The authors' checkpoint (torch.save .pt: a state_dict or {'model_state_dict': ...}) or a "
                     ".safetensors state_dict")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--vocab", o->request.vocab,
                     "The authors' tokenizer JSON (src/tokenizer/<data>_<n>_highly_vocab.json)")
          ->check(CLI::ExistingFile);
      sub.add_option("--mask", o->request.mask,
                     "The gene-interaction mask (torch.save of a bool tensor, e.g. "
                     "data/norman/mask_fold_1topk_30additive_negative_edge.pt)")
          ->check(CLI::ExistingFile);
      sub.add_option("--genes", o->request.genes, "Gene order of the model, comma-separated (default: the vocabulary's genes)")
          ->delimiter(',');
      sub.add_option("--out,-o", o->out, "Output checkpoint (.safetensors)")->required();
      sub.add_flag("--quiet,-q", o->quiet, "Print nothing on success");
      return [o] { return runImport(*o); };
    },
    "Convert the authors' PyTorch checkpoint (+ tokenizer and graph mask) into an scDFM Studio checkpoint"}};

}  // namespace
}  // namespace scdfm::cli
