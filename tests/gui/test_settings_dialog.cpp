// SettingsDialog and the themes: values set through the widgets persist in QSettings and come back
// when the dialog is opened again, Cancel keeps nothing, Apply applies the theme (the application
// palette takes exactly the theme's colours) and the thread count, CUDA is disabled with the reason
// where LibTorch has none, and Tab reaches every control in order.
#include "captioner/inference_precision.h"
#include "captioner/runtime.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/train_page.h"
#include "captioner_ui/model_manager.h"
#include "captioner_ui/settings_dialog.h"
#include "captioner_ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QTimer>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QValueAxis>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QProxyStyle>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStyle>
#include <QTableWidget>
#include <QtTest/QtTest>

using captioner::ui::AppSettings;
using captioner::ui::SettingsDialog;

namespace {

template <typename T> T* child(const QWidget& w, const char* name) {
    T* found = w.findChild<T*>(QLatin1String(name));
    if (!found) qFatal("no %s", name);
    return found;
}

void chooseData(QComboBox* box, const QVariant& data) {
    const int i = box->findData(data);
    QVERIFY2(i >= 0, qPrintable(data.toString()));
    box->setCurrentIndex(i);
}

struct Expected {
    QPalette::ColorRole role;
    const char* colour;
};

void comparePalette(const QPalette& p, const QList<Expected>& expected) {
    for (const Expected& e : expected)
        QCOMPARE(p.color(QPalette::Active, e.role).name(), QString::fromLatin1(e.colour));
}

} // namespace

class TestSettingsDialog : public QObject {
    Q_OBJECT
    QPalette m_platformPalette;
    QString m_platformStyle;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        m_platformPalette = QApplication::palette();
        m_platformStyle = QApplication::style()->name();
    }

    void init() {
        QSettings().clear();
        captioner::ui::applyTheme(QStringLiteral("system"));
    }

    void showsStoredValues() {
        AppSettings::setThreads(3);
        AppSettings::setDevice(QStringLiteral("cpu"));
        AppSettings::setDecoding({true, 4, 40, 0.8});
        AppSettings::setThumbnailSize(96);
        AppSettings::setTheme(QStringLiteral("high-contrast"));
        SettingsDialog dialog;
        QCOMPARE(child<QSpinBox>(dialog, "settingsThreads")->value(), 3);
        QCOMPARE(child<QComboBox>(dialog, "settingsDevice")->currentData().toString(), QStringLiteral("cpu"));
        QCOMPARE(child<QComboBox>(dialog, "settingsDecoding")->currentText(), QStringLiteral("Beam search"));
        QCOMPARE(child<QSpinBox>(dialog, "settingsBeams")->value(), 4);
        QCOMPARE(child<QSpinBox>(dialog, "settingsMaxLength")->value(), 40);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "settingsLengthPenalty")->value(), 0.8);
        QCOMPARE(child<QSpinBox>(dialog, "settingsThumbnailSize")->value(), 96);
        QCOMPARE(child<QComboBox>(dialog, "settingsTheme")->currentText(), QStringLiteral("High contrast"));
    }

    void okPersistsWhatTheWidgetsSay() {
        {
            SettingsDialog dialog;
            dialog.show();
            QSignalSpy applied(&dialog, &SettingsDialog::applied);
            child<QSpinBox>(dialog, "settingsThreads")->setValue(1);
            chooseData(child<QComboBox>(dialog, "settingsDevice"), QStringLiteral("cpu"));
            chooseData(child<QComboBox>(dialog, "settingsPrecision"), QStringLiteral("int8"));
            chooseData(child<QComboBox>(dialog, "settingsDecoding"), true);
            child<QSpinBox>(dialog, "settingsBeams")->setValue(5);
            child<QSpinBox>(dialog, "settingsMaxLength")->setValue(30);
            child<QDoubleSpinBox>(dialog, "settingsLengthPenalty")->setValue(0.6);
            child<QSpinBox>(dialog, "settingsThumbnailSize")->setValue(192);
            chooseData(child<QComboBox>(dialog, "settingsTheme"), QStringLiteral("dark"));
            chooseData(child<QComboBox>(dialog, "settingsLanguage"), QStringLiteral("ja"));
            QTest::mouseClick(child<QPushButton>(dialog, "settingsOk"), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
            QCOMPARE(applied.count(), 1);
            QCOMPARE(applied.first().at(0).toBool(), true); // auto -> cpu
        }
        // Stored under the keys AppSettings reads.
        QSettings s;
        QCOMPARE(s.value(QStringLiteral("threads")).toInt(), 1);
        QCOMPARE(s.value(QStringLiteral("device")).toString(), QStringLiteral("cpu"));
        QCOMPARE(s.value(QStringLiteral("captionPrecision")).toString(), QStringLiteral("int8"));
        QCOMPARE(AppSettings::captionPrecision(), QStringLiteral("int8"));
        QCOMPARE(s.value(QStringLiteral("decoding/beamSearch")).toBool(), true);
        QCOMPARE(s.value(QStringLiteral("decoding/numBeams")).toInt(), 5);
        QCOMPARE(s.value(QStringLiteral("decoding/maxLength")).toInt(), 30);
        QCOMPARE(s.value(QStringLiteral("decoding/lengthPenalty")).toDouble(), 0.6);
        QCOMPARE(s.value(QStringLiteral("view/thumbnailSize")).toInt(), 192);
        QCOMPARE(s.value(QStringLiteral("view/theme")).toString(), QStringLiteral("dark"));
        QCOMPARE(s.value(QStringLiteral("view/language")).toString(), QStringLiteral("ja")); // on restart
        QCOMPARE(AppSettings::language(), QStringLiteral("ja"));
        // Applied at once.
        QCOMPARE(captioner::currentThreads(), 1);
        QCOMPARE(captioner::ui::currentTheme(), QStringLiteral("dark"));
        QCOMPARE(QApplication::palette().color(QPalette::Window).name(), QStringLiteral("#2b2b2b"));

        SettingsDialog again;
        QCOMPARE(child<QSpinBox>(again, "settingsThreads")->value(), 1);
        QCOMPARE(child<QComboBox>(again, "settingsDevice")->currentText(), QStringLiteral("CPU"));
        QCOMPARE(child<QComboBox>(again, "settingsPrecision")->currentData().toString(), QStringLiteral("int8"));
        QCOMPARE(child<QComboBox>(again, "settingsDecoding")->currentText(), QStringLiteral("Beam search"));
        QCOMPARE(child<QSpinBox>(again, "settingsBeams")->value(), 5);
        QCOMPARE(child<QSpinBox>(again, "settingsMaxLength")->value(), 30);
        QCOMPARE(child<QDoubleSpinBox>(again, "settingsLengthPenalty")->value(), 0.6);
        QCOMPARE(child<QSpinBox>(again, "settingsThumbnailSize")->value(), 192);
        QCOMPARE(child<QComboBox>(again, "settingsTheme")->currentText(), QStringLiteral("Dark"));
        captioner::configureThreads(0);
    }

    void cancelKeepsNothingAndDefaultsAreOnlyShown() {
        AppSettings::setThumbnailSize(80);
        SettingsDialog dialog;
        dialog.show();
        child<QSpinBox>(dialog, "settingsThumbnailSize")->setValue(240);
        chooseData(child<QComboBox>(dialog, "settingsTheme"), QStringLiteral("light"));
        QTest::mouseClick(child<QPushButton>(dialog, "settingsCancel"), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(AppSettings::thumbnailSize(), 80);
        QCOMPARE(AppSettings::theme(), QStringLiteral("system"));
        QCOMPARE(captioner::ui::currentTheme(), QStringLiteral("system"));

        SettingsDialog other;
        other.show();
        QTest::mouseClick(child<QPushButton>(other, "settingsDefaults"), Qt::LeftButton);
        QCOMPARE(child<QSpinBox>(other, "settingsThumbnailSize")->value(), 128);
        QCOMPARE(child<QComboBox>(other, "settingsDecoding")->currentText(), QStringLiteral("Greedy"));
        QCOMPARE(child<QSpinBox>(other, "settingsMaxLength")->value(), 50);
        QCOMPARE(AppSettings::thumbnailSize(), 80); // not saved until OK or Apply
        QTest::mouseClick(child<QPushButton>(other, "settingsApply"), Qt::LeftButton);
        QCOMPARE(AppSettings::thumbnailSize(), 128);
        QVERIFY(other.isVisible()); // Apply keeps the dialog open
    }

    void greedyDisablesBeamControls() {
        SettingsDialog dialog;
        auto* decoding = child<QComboBox>(dialog, "settingsDecoding");
        chooseData(decoding, false);
        QVERIFY(!child<QSpinBox>(dialog, "settingsBeams")->isEnabled());
        QVERIFY(!child<QDoubleSpinBox>(dialog, "settingsLengthPenalty")->isEnabled());
        chooseData(decoding, true);
        QVERIFY(child<QSpinBox>(dialog, "settingsBeams")->isEnabled());
        QVERIFY(child<QDoubleSpinBox>(dialog, "settingsLengthPenalty")->isEnabled());
    }

    // bf16 captioning is offered only where it runs natively (captioner/inference_precision.h), with the reason.
    void bf16IsOfferedOnlyWhereNative() {
        const bool cuda = captioner::ui::ModelManager::cudaAvailable();
        const captioner::PrecisionAvailability bf16 = captioner::bf16Availability();
        SettingsDialog dialog;
        auto* precision = child<QComboBox>(dialog, "settingsPrecision");
        auto* model = qobject_cast<QStandardItemModel*>(precision->model());
        QVERIFY(model);
        QCOMPARE(precision->count(), 3);
        QCOMPARE(precision->itemData(1).toString(), QStringLiteral("bf16"));
        QCOMPARE(model->item(1)->isEnabled(), bf16.available || cuda);
        QVERIFY(model->item(2)->isEnabled()); // int8
        const QString note = child<QLabel>(dialog, "settingsPrecisionNote")->text();
        const QString loaded =
            QStringLiteral("bf16 and int8 change captions slightly; the model is loaded again when this changes.");
        if (bf16.available || cuda) QCOMPARE(note, loaded);
        else
            QCOMPARE(note, loaded + QStringLiteral(" bf16 is not available: ") + QString::fromStdString(bf16.detail) +
                               QLatin1Char('.'));
    }

    void cudaIsDisabledWithTheReasonWhenAbsent() {
        QString why;
        const bool cuda = captioner::ui::ModelManager::cudaAvailable(&why);
        SettingsDialog dialog;
        auto* device = child<QComboBox>(dialog, "settingsDevice");
        auto* model = qobject_cast<QStandardItemModel*>(device->model());
        QVERIFY(model);
        QCOMPARE(device->itemData(2).toString(), QStringLiteral("cuda"));
        QCOMPARE(model->item(2)->isEnabled(), cuda);
        const QString note = child<QLabel>(dialog, "settingsDeviceNote")->text();
        if (cuda) {
            QCOMPARE(note, QStringLiteral("The model is loaded again on the new device when it changes."));
        } else {
            QCOMPARE(why, QStringLiteral("this LibTorch build has no CUDA device available; use cpu or auto"));
            QCOMPARE(note, QStringLiteral("CUDA is not available: this LibTorch build has no CUDA device available; "
                                          "use cpu or auto."));
            QVERIFY(device->accessibleDescription().contains(note));
        }
    }

    void themesSetExactPalettes() {
        using R = QPalette::ColorRole;
        SettingsDialog dialog;
        dialog.show();
        auto* theme = child<QComboBox>(dialog, "settingsTheme");
        auto* apply = child<QPushButton>(dialog, "settingsApply");

        chooseData(theme, QStringLiteral("light"));
        QTest::mouseClick(apply, Qt::LeftButton);
        comparePalette(QApplication::palette(), {{R::Window, "#efefef"},
                                                 {R::WindowText, "#1a1a1a"},
                                                 {R::Base, "#ffffff"},
                                                 {R::Text, "#1a1a1a"},
                                                 {R::Button, "#efefef"},
                                                 {R::Highlight, "#2a6fbf"},
                                                 {R::HighlightedText, "#ffffff"},
                                                 {R::Link, "#005ac8"}});
        auto* proxy = qobject_cast<QProxyStyle*>(QApplication::style());
        QVERIFY(proxy); // Fusion under our focus frame
        QCOMPARE(proxy->baseStyle()->name(), QStringLiteral("fusion"));
        QCOMPARE(qApp->styleSheet(), QString());

        chooseData(theme, QStringLiteral("dark"));
        QTest::mouseClick(apply, Qt::LeftButton);
        comparePalette(QApplication::palette(), {{R::Window, "#2b2b2b"},
                                                 {R::WindowText, "#e8e8e8"},
                                                 {R::Base, "#1e1e1e"},
                                                 {R::AlternateBase, "#262626"},
                                                 {R::Text, "#e8e8e8"},
                                                 {R::Button, "#353535"},
                                                 {R::ButtonText, "#e8e8e8"},
                                                 {R::Highlight, "#2f74c0"},
                                                 {R::HighlightedText, "#ffffff"},
                                                 {R::Link, "#6cb4ff"}});
        QCOMPARE(QApplication::palette().color(QPalette::Disabled, QPalette::Text).name(), QStringLiteral("#848484"));
        QVERIFY(captioner::ui::isDarkPalette(QApplication::palette()));
        // Widgets follow: the dialog itself repaints with the new palette.
        QTRY_COMPARE(dialog.palette().color(QPalette::Window).name(), QStringLiteral("#2b2b2b"));

        chooseData(theme, QStringLiteral("high-contrast"));
        QTest::mouseClick(apply, Qt::LeftButton);
        comparePalette(QApplication::palette(), {{R::Window, "#000000"},
                                                 {R::WindowText, "#ffffff"},
                                                 {R::Base, "#000000"},
                                                 {R::Text, "#ffffff"},
                                                 {R::Button, "#000000"},
                                                 {R::ButtonText, "#ffffff"},
                                                 {R::Highlight, "#ffff00"},
                                                 {R::HighlightedText, "#000000"},
                                                 {R::Link, "#00ffff"}});
        QVERIFY(qApp->styleSheet().contains(QStringLiteral(":focus { border: 3px solid #ffff00; }")));

        chooseData(theme, QStringLiteral("system"));
        QTest::mouseClick(apply, Qt::LeftButton);
        QCOMPARE(QApplication::palette(), m_platformPalette);
        QCOMPARE(QApplication::style()->name(), m_platformStyle);
        QCOMPARE(qApp->styleSheet(), QString());
        QCOMPARE(AppSettings::theme(), QStringLiteral("system"));
    }

    void preferencesActionAppliesLive() {
        captioner::ui::MainWindow window;
        auto* action = window.findChild<QAction*>(QStringLiteral("actionPreferences"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Comma));
        QCOMPARE(action->text(), QStringLiteral("&Preferences…"));
        QCOMPARE(window.datasetPage()->thumbnailSize(), 128);
        bool edited = false;
        QTimer::singleShot(0, &window, [&edited] {
            auto* dialog = qobject_cast<SettingsDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            child<QSpinBox>(*dialog, "settingsThumbnailSize")->setValue(96);
            chooseData(child<QComboBox>(*dialog, "settingsTheme"), QStringLiteral("dark"));
            QTest::mouseClick(child<QPushButton>(*dialog, "settingsOk"), Qt::LeftButton);
            edited = true;
        });
        action->trigger(); // runs the dialog until OK
        QVERIFY(edited);
        QCOMPARE(window.datasetPage()->thumbnailSize(), 96);
        QCOMPARE(QApplication::palette().color(QPalette::Window).name(), QStringLiteral("#2b2b2b"));

        // Help > Keyboard Shortcuts lists it.
        QStringList rows;
        QTimer::singleShot(0, &window, [&rows] {
            QWidget* dialog = QApplication::activeModalWidget();
            auto* table = dialog ? dialog->findChild<QTableWidget*>() : nullptr;
            if (!table) return;
            for (int r = 0; r < table->rowCount(); ++r)
                rows << table->item(r, 0)->text() + QLatin1Char('=') + table->item(r, 1)->text();
            dialog->close();
        });
        window.showShortcuts();
        QVERIFY2(rows.contains(QStringLiteral("Edit › Preferences=Ctrl+,")), qPrintable(rows.join(QLatin1Char('\n'))));
    }

    void trainingChartsFollowTheTheme() {
        captioner::ui::TrainPage page;
        const QList<QChartView*> views = page.findChildren<QChartView*>();
        QCOMPARE(views.size(), 4);
        captioner::ui::applyTheme(QStringLiteral("dark"));
        for (QChartView* view : views) {
            QTRY_COMPARE(view->chart()->backgroundBrush().color().name(), QStringLiteral("#1e1e1e"));
            QCOMPARE(view->chart()->titleBrush().color().name(), QStringLiteral("#e8e8e8"));
            QCOMPARE(view->chart()->legend()->labelColor().name(), QStringLiteral("#e8e8e8"));
            const auto axes = view->chart()->axes(Qt::Horizontal);
            QCOMPARE(axes.size(), 1);
            QCOMPARE(axes.first()->labelsColor().name(), QStringLiteral("#e8e8e8"));
        }
        captioner::ui::applyTheme(QStringLiteral("light"));
        QTRY_COMPARE(views.first()->chart()->backgroundBrush().color().name(), QStringLiteral("#ffffff"));
        QCOMPARE(views.first()->chart()->titleBrush().color().name(), QStringLiteral("#1a1a1a"));
    }

    void tabReachesEveryControlInOrder() {
        AppSettings::setDecoding({true, 3, 50, 1.0}); // beam controls enabled
        SettingsDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        auto* first = child<QSpinBox>(dialog, "settingsThreads");
        first->setFocus();
        QCOMPARE(QApplication::focusWidget(), first);
        QStringList visited;
        for (int i = 0; i < 14; ++i) {
            visited << QApplication::focusWidget()->objectName();
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        QCOMPARE(QApplication::focusWidget(), first); // round and back
        const QStringList expected = {QStringLiteral("settingsThreads"),       QStringLiteral("settingsDevice"),
                                      QStringLiteral("settingsPrecision"),     QStringLiteral("settingsDecoding"),
                                      QStringLiteral("settingsBeams"),         QStringLiteral("settingsMaxLength"),
                                      QStringLiteral("settingsLengthPenalty"), QStringLiteral("settingsThumbnailSize"),
                                      QStringLiteral("settingsTheme"),         QStringLiteral("settingsLanguage")};
        QCOMPARE(visited.mid(0, 10), expected);
        QStringList buttons = visited.mid(10);
        buttons.sort();
        QCOMPARE(buttons, (QStringList{QStringLiteral("settingsApply"), QStringLiteral("settingsCancel"),
                                       QStringLiteral("settingsDefaults"), QStringLiteral("settingsOk")}));
        // Every control has a name and a description for screen readers.
        for (const QString& name : visited) {
            auto* w = dialog.findChild<QWidget*>(name);
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(name));
            QVERIFY2(!w->accessibleDescription().isEmpty(), qPrintable(name));
        }
        // The labels' mnemonics reach their fields: Alt+H is the theme.
        QTest::keyClick(&dialog, Qt::Key_H, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), child<QComboBox>(dialog, "settingsTheme"));
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "test_settings_dialog.moc"
