#pragma once
// `captioner-gui --screenshot FILE --screenshot-mode MODE`: drives the window into a state worth
// showing, grabs it into FILE and quits (exit 1 when the file cannot be written). Used to make the
// README's screenshots; not part of the user-facing options (hidden from --help).
#include <QString>

namespace captioner::ui {
class MainWindow;
}

namespace captioner::app {

// The modes, as --help-all would list them.
QString screenshotModes();

// Starts the automation for `mode` on a shown window; the caller then runs the event loop. Unknown
// modes fall back to the dataset grid ("grid").
void startScreenshot(captioner::ui::MainWindow& window, const QString& mode, const QString& file);

} // namespace captioner::app
