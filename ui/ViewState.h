#pragma once
// What the user has chosen to look at — the state that Edit ▸ Undo/Redo walks
// through (QUndoStack): the prediction shown, the highlighted condition, the
// colouring and the selected cells. Data and computations are never undone.
#include <QString>
#include <QUndoCommand>
#include <functional>
#include <vector>

namespace scdfm::ui {

struct ViewState {
  QString shownPrediction, highlightedCondition, colorBy, colorGene;
  std::vector<int> selection;  // selected points of the view
  bool operator==(const ViewState&) const = default;
};

// One change of the view state. The first redo() (when pushed) does nothing:
// the change has already been made by the user.
class ViewStateCommand : public QUndoCommand {
 public:
  ViewStateCommand(std::function<void(const ViewState&)> apply, ViewState before, ViewState after,
                   const QString& text);
  void undo() override;
  void redo() override;

 private:
  std::function<void(const ViewState&)> apply_;
  ViewState before_, after_;
  bool first_ = true;
};

}  // namespace scdfm::ui
