#include "ui/ViewState.h"

namespace scdfm::ui {

ViewStateCommand::ViewStateCommand(std::function<void(const ViewState&)> apply, ViewState before, ViewState after,
                                   const QString& text)
    : apply_(std::move(apply)), before_(std::move(before)), after_(std::move(after)) {
  setText(text);
}

void ViewStateCommand::undo() { apply_(before_); }

void ViewStateCommand::redo() {
  if (first_) {
    first_ = false;
    return;
  }
  apply_(after_);
}

}  // namespace scdfm::ui
