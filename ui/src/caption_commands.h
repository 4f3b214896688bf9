#pragma once
// SetCaptionCommand is one caption change on the undo stack. Keystrokes of one editing session (the
// same caption of the same image, until the user moves elsewhere) merge into one command, so undo
// takes back a whole edit rather than a letter.
#include <QString>
#include <QUndoCommand>

namespace captioner::ui {

class DatasetModel;

class SetCaptionCommand : public QUndoCommand {
public:
    SetCaptionCommand(DatasetModel* model, int row, int captionIndex, QString before, QString after, int session);
    void undo() override;
    void redo() override;
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand* other) override;
    int row() const { return m_row; }

private:
    DatasetModel* m_model;
    int m_row, m_captionIndex;
    QString m_before, m_after;
    int m_session; // -1: never merges (e.g. "use previous caption")
};

} // namespace captioner::ui
