#include "captioner/inference_precision.h"
#include "captioner/runtime.h"

#include "captioner_ui/settings_dialog.h"

#include "accessible.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/model_manager.h"
#include "captioner_ui/theme.h"
#include "captioner_ui/translations.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace captioner::ui {

namespace {

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

} // namespace

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent), m_threads(new QSpinBox(this)), m_device(new QComboBox(this)), m_deviceNote(new QLabel(this)),
      m_decoding(new QComboBox(this)), m_beams(new QSpinBox(this)), m_maxLength(new QSpinBox(this)),
      m_lengthPenalty(new QDoubleSpinBox(this)), m_thumbnailSize(new QSpinBox(this)), m_theme(new QComboBox(this)),
      m_language(new QComboBox(this)), m_languageNote(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply |
                                         QDialogButtonBox::RestoreDefaults,
                                     this)) {
    setWindowTitle(tr("Preferences"));
    setObjectName(QStringLiteral("settingsDialog"));

    // Performance
    const int cores = captioner::hardwareThreads();
    m_threads->setObjectName(QStringLiteral("settingsThreads"));
    m_threads->setRange(0, qMax(256, cores));
    m_threads->setSpecialValueText(tr("All cores (%1)").arg(cores));
    described(m_threads, tr("Threads"),
              tr("LibTorch threads for captioning and training; 0 uses all %1 cores. Applies at once.").arg(cores));

    m_device->setObjectName(QStringLiteral("settingsDevice"));
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA (GPU)"), QStringLiteral("cuda"));
    QString whyNoCuda;
    const bool cuda = ModelManager::cudaAvailable(&whyNoCuda);
    m_deviceNote->setObjectName(QStringLiteral("settingsDeviceNote"));
    m_deviceNote->setWordWrap(true);
    if (!cuda) {
        if (auto* model = qobject_cast<QStandardItemModel*>(m_device->model())) model->item(2)->setEnabled(false);
        m_deviceNote->setText(tr("CUDA is not available: %1.").arg(whyNoCuda));
    } else {
        m_deviceNote->setText(tr("The model is loaded again on the new device when it changes."));
    }
    described(m_device, tr("Device"), tr("Where models run: automatic, CPU or CUDA. %1").arg(m_deviceNote->text()));

    // Captioning precision: bf16 offered only where the CPU computes it natively (or on CUDA).
    m_precision = new QComboBox(this);
    m_precision->setObjectName(QStringLiteral("settingsPrecision"));
    m_precision->addItem(tr("fp32 (exact, as transformers)"), QStringLiteral("fp32"));
    m_precision->addItem(tr("bf16 (faster on CPUs with native bf16)"), QStringLiteral("bf16"));
    m_precision->addItem(tr("int8 (quantized text decoder)"), QStringLiteral("int8"));
    m_precisionNote = new QLabel(this);
    m_precisionNote->setObjectName(QStringLiteral("settingsPrecisionNote"));
    m_precisionNote->setWordWrap(true);
    const PrecisionAvailability bf16 = bf16Availability();
    QString precisionNote = tr("bf16 and int8 change captions slightly; the model is loaded again when this changes.");
    if (!bf16.available && !cuda) {
        if (auto* model = qobject_cast<QStandardItemModel*>(m_precision->model())) model->item(1)->setEnabled(false);
        precisionNote += QLatin1Char(' ') + tr("bf16 is not available: %1.").arg(QString::fromStdString(bf16.detail));
    }
    m_precisionNote->setText(precisionNote);
    described(m_precision, tr("Caption precision"),
              tr("Arithmetic used for captioning: fp32, bf16 or int8. %1").arg(precisionNote));

    // Decoding
    m_decoding->setObjectName(QStringLiteral("settingsDecoding"));
    m_decoding->addItem(tr("Greedy"), false);
    m_decoding->addItem(tr("Beam search"), true);
    described(m_decoding, tr("Decoding"),
              tr("Greedy picks the likeliest word at each step; beam search keeps several candidate captions"));
    m_beams->setObjectName(QStringLiteral("settingsBeams"));
    m_beams->setRange(2, 16);
    described(m_beams, tr("Beams"), tr("Candidate captions kept by beam search (2 to 16)"));
    m_maxLength->setObjectName(QStringLiteral("settingsMaxLength"));
    m_maxLength->setRange(2, 512);
    m_maxLength->setSuffix(tr(" tokens"));
    described(m_maxLength, tr("Maximum length"), tr("Longest caption in tokens, the start token included (2 to 512)"));
    m_lengthPenalty->setObjectName(QStringLiteral("settingsLengthPenalty"));
    m_lengthPenalty->setRange(-10.0, 10.0);
    m_lengthPenalty->setSingleStep(0.1);
    m_lengthPenalty->setDecimals(2);
    described(m_lengthPenalty, tr("Length penalty"),
              tr("Beam search scores a caption by its log-probability over length to this power: above 1 favours "
                 "longer captions, below 1 shorter ones"));
    connect(m_decoding, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateDecodingControls);

    // Appearance
    m_thumbnailSize->setObjectName(QStringLiteral("settingsThumbnailSize"));
    m_thumbnailSize->setRange(64, 256);
    m_thumbnailSize->setSingleStep(16);
    m_thumbnailSize->setSuffix(tr(" px"));
    described(m_thumbnailSize, tr("Thumbnail size"),
              tr("Edge of thumbnails in the dataset grid and on caption cards (64 to 256 pixels)"));
    m_theme->setObjectName(QStringLiteral("settingsTheme"));
    for (const QString& name : themeNames()) m_theme->addItem(themeDisplayName(name), name);
    described(m_theme, tr("Theme"), tr("Colours of the app: the system's, light, dark or high contrast"));
    m_language->setObjectName(QStringLiteral("settingsLanguage"));
    for (const QString& code : languageCodes()) m_language->addItem(languageDisplayName(code), code);
    m_languageNote->setObjectName(QStringLiteral("settingsLanguageNote"));
    m_languageNote->setWordWrap(true);
    // Japanese chosen but shown in English for want of a font: the note next to the choice says so.
    m_languageNote->setText(languageFallbackNote().isEmpty()
                                ? tr("Takes effect after restarting.")
                                : tr("Takes effect after restarting.") + QLatin1Char(' ') + languageFallbackNote());
    described(m_language, tr("Language"),
              tr("Language of menus and messages: the system's, English or Japanese. Takes effect after restarting."));

    auto* performance = new QGroupBox(tr("Performance"), this);
    auto* performanceForm = new QFormLayout(performance);
    performanceForm->addRow(buddyLabel(tr("&Threads:"), m_threads, performance), m_threads);
    performanceForm->addRow(buddyLabel(tr("&Device:"), m_device, performance), m_device);
    performanceForm->addRow(QString(), m_deviceNote);
    performanceForm->addRow(buddyLabel(tr("Caption &precision:"), m_precision, performance), m_precision);
    performanceForm->addRow(QString(), m_precisionNote);

    auto* decoding = new QGroupBox(tr("Default decoding for captions"), this);
    auto* decodingForm = new QFormLayout(decoding);
    decodingForm->addRow(buddyLabel(tr("De&coding:"), m_decoding, decoding), m_decoding);
    decodingForm->addRow(buddyLabel(tr("&Beams:"), m_beams, decoding), m_beams);
    decodingForm->addRow(buddyLabel(tr("&Maximum length:"), m_maxLength, decoding), m_maxLength);
    decodingForm->addRow(buddyLabel(tr("&Length penalty:"), m_lengthPenalty, decoding), m_lengthPenalty);

    auto* appearance = new QGroupBox(tr("Appearance"), this);
    auto* appearanceForm = new QFormLayout(appearance);
    appearanceForm->addRow(buddyLabel(tr("Thumb&nail size:"), m_thumbnailSize, appearance), m_thumbnailSize);
    appearanceForm->addRow(buddyLabel(tr("T&heme:"), m_theme, appearance), m_theme);
    appearanceForm->addRow(buddyLabel(tr("Lan&guage:"), m_language, appearance), m_language);
    appearanceForm->addRow(QString(), m_languageNote);

    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    QPushButton* cancel = m_buttons->button(QDialogButtonBox::Cancel);
    QPushButton* applyButton = m_buttons->button(QDialogButtonBox::Apply);
    QPushButton* defaults = m_buttons->button(QDialogButtonBox::RestoreDefaults);
    ok->setObjectName(QStringLiteral("settingsOk"));
    cancel->setObjectName(QStringLiteral("settingsCancel"));
    applyButton->setObjectName(QStringLiteral("settingsApply"));
    defaults->setObjectName(QStringLiteral("settingsDefaults"));
    described(ok, tr("OK"), tr("Save and apply the preferences, then close"));
    described(cancel, tr("Cancel"), tr("Close without saving the changes not yet applied"));
    described(applyButton, tr("Apply"), tr("Save and apply the preferences, keeping this dialog open"));
    described(defaults, tr("Restore Defaults"), tr("Show the default values; OK or Apply saves them"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(applyButton, &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(defaults, &QPushButton::clicked, this, &SettingsDialog::restoreDefaults);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(performance);
    layout->addWidget(decoding);
    layout->addWidget(appearance);
    layout->addStretch();
    layout->addWidget(m_buttons);

    // Top to bottom, then the buttons in the order they are shown.
    QWidget* order[] = {m_threads,   m_device,        m_precision,     m_decoding, m_beams,
                        m_maxLength, m_lengthPenalty, m_thumbnailSize, m_theme,    m_language};
    for (size_t i = 0; i + 1 < std::size(order); ++i) setTabOrder(order[i], order[i + 1]);
    QWidget* previous = m_language;
    for (QAbstractButton* button : m_buttons->buttons()) {
        setTabOrder(previous, button);
        previous = button;
    }

    load();
    resize(sizeHint().expandedTo(QSize(460, 0)));
}

void SettingsDialog::load() {
    m_threads->setValue(AppSettings::threads());
    const int device = m_device->findData(AppSettings::device());
    m_device->setCurrentIndex(device >= 0 ? device : 0);
    const int precision = m_precision->findData(AppSettings::captionPrecision());
    m_precision->setCurrentIndex(precision >= 0 ? precision : 0);
    const AppSettings::Decoding d = AppSettings::decoding();
    m_decoding->setCurrentIndex(d.beamSearch ? 1 : 0);
    m_beams->setValue(d.numBeams);
    m_maxLength->setValue(d.maxLength);
    m_lengthPenalty->setValue(d.lengthPenalty);
    m_thumbnailSize->setValue(AppSettings::thumbnailSize());
    const int theme = m_theme->findData(AppSettings::theme());
    m_theme->setCurrentIndex(theme >= 0 ? theme : 0);
    const int language = m_language->findData(AppSettings::language());
    m_language->setCurrentIndex(language >= 0 ? language : 0);
    updateDecodingControls();
}

void SettingsDialog::restoreDefaults() {
    const AppSettings::Decoding d;
    m_threads->setValue(0);
    m_device->setCurrentIndex(0);
    m_precision->setCurrentIndex(0);
    m_decoding->setCurrentIndex(d.beamSearch ? 1 : 0);
    m_beams->setValue(d.numBeams);
    m_maxLength->setValue(d.maxLength);
    m_lengthPenalty->setValue(d.lengthPenalty);
    m_thumbnailSize->setValue(128);
    m_theme->setCurrentIndex(0);
    m_language->setCurrentIndex(0);
    updateDecodingControls();
}

void SettingsDialog::updateDecodingControls() {
    // Greedy decoding has no beams and ignores the length penalty (as Hugging Face's generate does).
    const bool beam = m_decoding->currentData().toBool();
    m_beams->setEnabled(beam);
    m_lengthPenalty->setEnabled(beam);
}

void SettingsDialog::apply() {
    const bool threadsChanged = m_threads->value() != AppSettings::threads();
    const QString device = m_device->currentData().toString();
    const bool deviceChanged = device != AppSettings::device();
    const QString precision = m_precision->currentData().toString();
    const bool precisionChanged = precision != AppSettings::captionPrecision();
    AppSettings::setThreads(m_threads->value());
    AppSettings::setDevice(device);
    AppSettings::setCaptionPrecision(precision);
    AppSettings::Decoding d;
    d.beamSearch = m_decoding->currentData().toBool();
    d.numBeams = m_beams->value();
    d.maxLength = m_maxLength->value();
    d.lengthPenalty = m_lengthPenalty->value();
    AppSettings::setDecoding(d);
    AppSettings::setThumbnailSize(m_thumbnailSize->value());
    const QString theme = m_theme->currentData().toString();
    AppSettings::setTheme(theme);
    AppSettings::setLanguage(m_language->currentData().toString()); // read at the next start
    if (threadsChanged) applyThreadSetting();
    if (theme != currentTheme()) applyTheme(theme);
    emit applied(deviceChanged || precisionChanged);
}

} // namespace captioner::ui
