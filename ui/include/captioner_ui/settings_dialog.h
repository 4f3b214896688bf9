#pragma once
// SettingsDialog (Edit › Preferences…, Ctrl+,) edits the persisted preferences of AppSettings:
// LibTorch threads, device (CUDA offered only where this LibTorch has it, with the reason otherwise),
// the default decoding of the Caption page (greedy or beam search, beams, max length, length penalty),
// the thumbnail size, the theme and the language. OK and Apply write them and apply them at once (the
// language on restart): threads through applyThreadSetting, the theme through applyTheme; the window
// re-reads the rest on applied().
#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace captioner::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // Writes the values shown into AppSettings, applies threads and theme, emits applied().
    void apply();
    // Shows the defaults (written only by OK or Apply).
    void restoreDefaults();

signals:
    // After apply(): reloadModel when the device or the caption precision differs from before (the open
    // model is loaded again to take it).
    void applied(bool reloadModel);

private:
    void load();
    void updateDecodingControls();

    QSpinBox* m_threads;
    QComboBox* m_device;
    QLabel* m_deviceNote;
    QComboBox* m_precision = nullptr;
    QLabel* m_precisionNote = nullptr;
    QComboBox* m_decoding;
    QSpinBox* m_beams;
    QSpinBox* m_maxLength;
    QDoubleSpinBox* m_lengthPenalty;
    QSpinBox* m_thumbnailSize;
    QComboBox* m_theme;
    QComboBox* m_language;
    QLabel* m_languageNote;
    QDialogButtonBox* m_buttons;
};

} // namespace captioner::ui
