// `captioner-gui`: the desktop front end. Parses the command line, applies the thread setting,
// opens the main window; all else lives in libcaptioner_ui.
#include "captioner_ui/app_settings.h"
#include "captioner_ui/main_window.h"

#include "captioner/runtime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>

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
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Image captioning with the GIT model: browse a dataset, fine-tune, caption."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption threadsOption(QStringLiteral("threads"),
        QCoreApplication::translate("main", "LibTorch threads for this session (0 = all cores); overrides the setting."),
        QStringLiteral("N"));
    parser.addOption(threadsOption);
    // Grabs the window shortly after it is shown and exits: used to make the README's screenshots.
    QCommandLineOption screenshotOption(QStringLiteral("screenshot"), QStringLiteral("Save a screenshot and quit."),
                                        QStringLiteral("FILE"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOption);
    parser.addPositionalArgument(QStringLiteral("folder"),
        QCoreApplication::translate("main", "Dataset folder (or an image in it) to open."), QStringLiteral("[folder]"));

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
    captioner::ui::applyThreadSetting(threads);

    captioner::ui::MainWindow window;
    window.show();
    const QStringList paths = parser.positionalArguments();
    if (!paths.isEmpty()) {
        const QFileInfo info(paths.first());
        window.openDataset(info.isFile() ? info.absolutePath() : info.absoluteFilePath());
    }
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QTimer::singleShot(800, &window, [&window, file] {
            const bool saved = window.grab().save(file);
            if (!saved) std::fprintf(stderr, "captioner-gui: could not write %s\n", qPrintable(file));
            QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
