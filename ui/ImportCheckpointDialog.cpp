#include "ui/ImportCheckpointDialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace scdfm::ui {

ImportCheckpointDialog::ImportCheckpointDialog(const QString& checkpoint, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Import the authors' checkpoint"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("<b>%1</b> is a PyTorch checkpoint of the authors' scDFM code. It is converted on "
                              "loading (nothing is written). Give the files their training run made next to it:")
                               .arg(QFileInfo(checkpoint).fileName().toHtmlEscaped()));
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* form = new QFormLayout;
  const QString dir = QFileInfo(checkpoint).absolutePath();
  vocab_ = addFileRow(form, tr("Vocabulary (JSON):"), tr("Tokenizer vocabulary (*.json);;All files (*)"),
                      tr("The tokenizer's gene → token id JSON (needed to name genes and predict)"));
  mask_ = addFileRow(form, tr("Gene graph mask:"), tr("Mask (*.pt *.pth *.safetensors);;All files (*)"),
                     tr("The gene-interaction mask of the run (torch.save of a bool tensor); without it the graph "
                        "masking of the gene encoder cannot be used"));
  // The usual names of the authors' run folder, when they are there.
  for (const QString& name : {QStringLiteral("vocab.json"), QStringLiteral("tokenizer.json")})
    if (QFileInfo::exists(dir + "/" + name) && vocab_->text().isEmpty()) vocab_->setText(dir + "/" + name);
  for (const QString& name : {QStringLiteral("mask.pt"), QStringLiteral("graph_mask.pt")})
    if (QFileInfo::exists(dir + "/" + name) && mask_->text().isEmpty()) mask_->setText(dir + "/" + name);
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(620, sizeHint().height());
}

QLineEdit* ImportCheckpointDialog::addFileRow(QFormLayout* form, const QString& label, const QString& filter,
                                              const QString& tip) {
  auto* row = new QHBoxLayout;
  auto* edit = new QLineEdit;
  edit->setToolTip(tip);
  edit->setPlaceholderText(tr("optional"));
  auto* browse = new QPushButton(tr("Browse…"));
  connect(browse, &QPushButton::clicked, this, [this, edit, filter, label] {
    const QString path = QFileDialog::getOpenFileName(this, label, edit->text(), filter);
    if (!path.isEmpty()) edit->setText(path);
  });
  row->addWidget(edit, 1);
  row->addWidget(browse);
  form->addRow(label, row);
  return edit;
}

QString ImportCheckpointDialog::vocabulary() const { return vocab_->text().trimmed(); }
QString ImportCheckpointDialog::mask() const { return mask_->text().trimmed(); }

}  // namespace scdfm::ui
