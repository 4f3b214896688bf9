#pragma once
// Colour themes of the desktop app. "light", "dark" and "high-contrast" use the Fusion style with
// palettes of our own (fixed colours, so every platform looks the same and tests can check them);
// high contrast adds strong borders and thick focus frames. "system" restores the platform's own
// style and palette, as they were before the first theme was applied. Call from the UI thread.
#include <QPalette>
#include <QString>
#include <QStringList>

namespace captioner::ui {

// "system", "light", "dark", "high-contrast", in the order a chooser lists them.
QStringList themeNames();
// Translated name for a chooser ("System", "Light", "Dark", "High contrast").
QString themeDisplayName(const QString& theme);
// The palette a theme applies; for "system" (or an unknown name) the platform palette.
QPalette themePalette(const QString& theme);
// Applies a theme to the whole application (style, palette, high-contrast style sheet); an unknown
// name counts as "system". Widgets get QEvent::PaletteChange and repaint.
void applyTheme(const QString& theme);
// The theme applied last ("system" before any).
QString currentTheme();
// True when the palette's window colour is dark (light text on dark ground): charts and custom
// painting pick their colours from it.
bool isDarkPalette(const QPalette& palette);

} // namespace captioner::ui
