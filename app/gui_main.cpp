// `captioner-gui`: the desktop front end. Parses the command line, applies the thread setting,
// opens the main window; all else lives in libcaptioner_ui (and the screenshot automation in
// screenshots.cpp).
#include "captioner/memory_policy.h"
#include "captioner/runtime.h"

#include "screenshots.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/theme.h"
#include "captioner_ui/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

namespace {

QIcon appIcon() {
    QIcon icon;
    for (int size : {48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/captioner-%1.png").arg(size), QSize(size, size));
    return icon;
}

void setApplicationNames() {
    QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
    QCoreApplication::setApplicationName(QStringLiteral("Captioner"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(captioner::version()));
}

} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    captioner::largeAllocationsFromMmap(); // big tensors go back to the system when freed
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Image captioning with the GIT model: browse a dataset, fine-tune, caption."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption threadsOption(
        QStringLiteral("threads"),
        QCoreApplication::translate("main",
                                    "LibTorch threads for this session (0 = all cores); overrides the setting."),
        QStringLiteral("N"));
    parser.addOption(threadsOption);
    // Grabs the window shortly after it is shown and exits: used to make the README's screenshots.
    QCommandLineOption screenshotOption(QStringLiteral("screenshot"), QStringLiteral("Save a screenshot and quit."),
                                        QStringLiteral("FILE"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOption);
    // What the screenshot shows (app/screenshots.cpp).
    QCommandLineOption screenshotModeOption(QStringLiteral("screenshot-mode"), captioner::app::screenshotModes(),
                                            QStringLiteral("MODE"), QStringLiteral("grid"));
    screenshotModeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotModeOption);
    parser.addPositionalArgument(
        QStringLiteral("paths"),
        QCoreApplication::translate(
            "main", "A dataset folder or dataset file (metadata.jsonl/.csv, COCO .json, Flickr "
                    "token file, .parquet) to open, and/or image files to caption on the Caption page."),
        QStringLiteral("[dataset] [images...]"));

    // --help, --version and usage errors need no display: answer them before creating the GUI.
    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    if (!parser.parse(arguments) || parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all")) ||
        parser.isSet(QStringLiteral("version"))) {
        QCoreApplication textOnly(argc, argv);
        setApplicationNames();
        parser.process(textOnly); // prints help, version or the error, and exits
        return 0;
    }
    int threads = -1;
    if (parser.isSet(threadsOption)) {
        bool ok = false;
        threads = parser.value(threadsOption).toInt(&ok);
        if (!ok || threads < 0) {
            std::fprintf(stderr, "captioner-gui: --threads expects a number >= 0, got '%s'\n",
                         qPrintable(parser.value(threadsOption)));
            return 2;
        }
    }

    QApplication app(argc, argv);
    setApplicationNames();
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Captioner"));
    QGuiApplication::setDesktopFileName(QStringLiteral("captioner"));
    QApplication::setWindowIcon(appIcon());
    // The app's and Qt's translations for Preferences › Language (the system's language by default).
    captioner::ui::installTranslators(captioner::ui::AppSettings::language());
    captioner::ui::applyThreadSetting(threads);
    captioner::ui::applyTheme(captioner::ui::AppSettings::theme());

    captioner::ui::MainWindow window;
    window.show();
    // The first folder or dataset file (metadata.jsonl/.csv, COCO .json, Flickr token file, .parquet) is
    // the dataset; other files are captioned on the Caption page as soon as a model is open.
    if (!window.openPaths(parser.positionalArguments())) {
        const auto page = window.currentPage(); // the Caption page when images were given
        window.openDemoDataset(); // something to look at on first start; generated once, off the UI thread
        window.showPage(page);
    }
    if (!parser.isSet(screenshotOption)) window.openLastModel(); // in the background, like the dataset
    if (parser.isSet(screenshotOption))
        captioner::app::startScreenshot(window, parser.value(screenshotModeOption), parser.value(screenshotOption));
    return app.exec();
}
