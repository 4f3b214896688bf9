#pragma once
// Names a control for screen readers: accessible name, and a description that is also its tooltip.
#include <QString>

namespace captioner::ui {

template <typename W> W* described(W* w, const QString& name, const QString& description) {
    w->setAccessibleName(name);
    w->setAccessibleDescription(description);
    w->setToolTip(description);
    return w;
}

} // namespace captioner::ui
