#pragma once
// Pieces the Hub dialogs share: accessible naming of a control and the transfer progress text.
#include "accessible.h"

#include "captioner_ui/locale_format.h"

#include <QProgressBar>
#include <QString>
#include <QWidget>

namespace captioner::ui::hubui {

inline void describe(QWidget* w, const QString& objectName, const QString& name, const QString& description) {
    w->setObjectName(objectName);
    described(w, name, description);
}

// "1.2 MB of 440 MB — model.safetensors" on a 0..1000 bar.
inline void showTransferProgress(QProgressBar* bar, qint64 done, qint64 total, const QString& file) {
    bar->setValue(total > 0 ? static_cast<int>(done * 1000 / total) : 0);
    bar->setFormat(QProgressBar::tr("%1 of %2 — %3").arg(formatDataSize(done), formatDataSize(total), file));
}

} // namespace captioner::ui::hubui
