#include "caption_commands.h"

#include "captioner_ui/dataset_model.h"

#include <QCoreApplication>

namespace captioner::ui {

SetCaptionCommand::SetCaptionCommand(DatasetModel* model, int row, int captionIndex, QString before, QString after,
                                     int session)
    : m_model(model), m_row(row), m_captionIndex(captionIndex), m_before(std::move(before)), m_after(std::move(after)),
      m_session(session) {
    setText(QCoreApplication::translate("SetCaptionCommand", "Edit caption of %1")
                .arg(model->data(model->index(row), DatasetModel::FileNameRole).toString()));
}

void SetCaptionCommand::undo() { m_model->setCaption(m_row, m_captionIndex, m_before); }

void SetCaptionCommand::redo() { m_model->setCaption(m_row, m_captionIndex, m_after); }

bool SetCaptionCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = static_cast<const SetCaptionCommand*>(other);
    if (m_session < 0 || o->m_session != m_session || o->m_row != m_row || o->m_captionIndex != m_captionIndex)
        return false;
    m_after = o->m_after;
    return true;
}

} // namespace captioner::ui
