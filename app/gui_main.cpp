// `captioner-gui`: the desktop front end. Parses the command line, applies the thread setting,
// opens the main window; all else lives in libcaptioner_ui.
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/caption_pipeline.h"
#include "captioner/demo_model.h"
#include "captioner/runtime.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_page.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/model_manager.h"
#include "captioner_ui/model_panel.h"
#include "captioner_ui/settings_dialog.h"
#include "captioner_ui/theme.h"
#include "captioner_ui/train_page.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QDir>
#include <QFutureWatcher>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdio>
#include <functional>

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

// Screenshot modes "settings" (the Preferences dialog) and "model" (the Model panel once a model is
// loaded: CAPTIONER_SCREENSHOT_MODEL, default the demo model). False for other modes.
bool startSettingsOrModelScreenshot(captioner::ui::MainWindow& window, const QString& mode, const QString& file) {
    auto save = [file](QWidget* widget) {
        const bool saved = widget->grab().save(file);
        if (!saved) std::fprintf(stderr, "captioner-gui: could not write %s\n", qPrintable(file));
        QCoreApplication::exit(saved ? 0 : 1);
    };
    if (mode == QLatin1String("settings")) {
        QTimer::singleShot(500, &window, [&window, save] {
            auto* dialog = new captioner::ui::SettingsDialog(&window);
            dialog->show();
            QTimer::singleShot(500, dialog, [dialog, save] { save(dialog); });
        });
        return true;
    }
    if (mode != QLatin1String("model")) return false;
    window.resize(1280, 800);
    auto* manager = window.modelManager();
    const QString model = qEnvironmentVariable("CAPTIONER_SCREENSHOT_MODEL", manager->demoModelFolder());
    auto shoot = [&window, save] {
        QTimer::singleShot(800, &window, [&window, save] {
            QWidget* panel = window.modelPanel();
            save(panel->parentWidget() ? panel->parentWidget() : panel);
        });
    };
    QObject::connect(manager, &captioner::ui::ModelManager::modelReady, &window, shoot);
    QObject::connect(manager, &captioner::ui::ModelManager::loadFailed, &window, shoot);
    window.showPage(captioner::ui::MainWindow::Page::Caption);
    window.openModel(model);
    return true;
}

// Screenshot mode "train": a short live run of the tiny demo model on demo data (made once, off the
// UI thread), grabbed once a few evaluations are charted.
void startDemoTraining(captioner::ui::MainWindow& window, const std::function<void()>& grab) {
    const QString dir =
        QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/screenshot-demo");
    auto* watcher = new QFutureWatcher<captioner::DemoPaths>(&window);
    QObject::connect(watcher, &QFutureWatcher<captioner::DemoPaths>::finished, &window, [&window, watcher, dir, grab] {
        const captioner::DemoPaths paths = watcher->result();
        auto* page = window.trainPage();
        window.showPage(captioner::ui::MainWindow::Page::Train);
        page->findChild<QPushButton*>(QStringLiteral("trainDemoRecipe"))->click();
        page->setModelFolder(QString::fromStdString(paths.baseModel));
        page->setDatasetFolder(QString::fromStdString(paths.data));
        QDir(dir + QStringLiteral("/run")).removeRecursively();
        page->setOutputFolder(dir + QStringLiteral("/run"));
        page->findChild<QSpinBox*>(QStringLiteral("trainMaxSteps"))->setValue(600);
        page->findChild<QSpinBox*>(QStringLiteral("trainLoggingSteps"))->setValue(1);
        page->findChild<QSpinBox*>(QStringLiteral("trainEvalSteps"))->setValue(25);
        page->findChild<QSpinBox*>(QStringLiteral("trainSaveSteps"))->setValue(50);
        page->findChild<QSpinBox*>(QStringLiteral("trainEvalGenerate"))->setValue(40);
        if (!page->start()) return grab();
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [page, poll, grab] {
            if (page->chartPointCount(QStringLiteral("eval_loss")) >= 6 || !page->isRunning()) {
                poll->stop();
                grab();
            }
        });
        poll->start(250);
    });
    watcher->setFuture(QtConcurrent::run([dir] {
        captioner::DemoRecipe recipe;
        recipe.dir = dir.toStdString();
        recipe.imageCount = 1500;
        return captioner::prepareDemo(recipe);
    }));
}

// Screenshot modes "caption" and "caption-dark": the Caption page with the results of a model
// (CAPTIONER_SCREENSHOT_MODEL, default the demo model) on a few images (CAPTIONER_SCREENSHOT_IMAGES,
// a folder; default the demo data), grabbed once every card has its caption.
void startCaptionScreenshot(captioner::ui::MainWindow& window, bool dark, const std::function<void()>& grab) {
    captioner::ui::applyTheme(dark ? QStringLiteral("dark") : QStringLiteral("light"));
    const QString demo =
        QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/demo");
    const QString model = qEnvironmentVariable("CAPTIONER_SCREENSHOT_MODEL", demo + QStringLiteral("/model"));
    const QString imagesDir = qEnvironmentVariable("CAPTIONER_SCREENSHOT_IMAGES", demo + QStringLiteral("/data"));
    QStringList images;
    for (const std::string& path : captioner::listImageFiles(imagesDir.toStdString())) {
        images << QString::fromStdString(path);
        if (images.size() == 4) break;
    }
    auto* page = window.captionPage();
    window.showPage(captioner::ui::MainWindow::Page::Caption);
    window.openModel(model); // through the model manager, so its panel shows the model's facts
    page->captionFiles(images);
    auto* poll = new QTimer(&window);
    QObject::connect(poll, &QTimer::timeout, &window, [page, poll, grab] {
        const QList<captioner::ui::CaptionCard*> cards = page->cards();
        const bool done = !cards.isEmpty() && !page->isBusy() &&
                          std::all_of(cards.begin(), cards.end(), [](captioner::ui::CaptionCard* c) {
                              return c->state() == captioner::ui::CaptionCard::State::Done ||
                                     c->state() == captioner::ui::CaptionCard::State::Failed;
                          });
        if (!done) return;
        poll->stop();
        cards.first()->setFocus();
        QTimer::singleShot(1000, page, grab); // thumbnails
    });
    poll->start(250);
    QTimer::singleShot(120000, &window, grab); // a model that never loads still gives a picture
}

} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
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
    // What the screenshot shows: "grid" (default), "detail" (a selected image, large thumbnails), "review"
    // or "train" (a live run of the tiny demo model).
    QCommandLineOption screenshotModeOption(
        QStringLiteral("screenshot-mode"),
        QStringLiteral("grid, detail, review, train, hub-download, hub-cache or hub-push."), QStringLiteral("MODE"),
        QStringLiteral("grid"));
    screenshotModeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotModeOption);
    parser.addPositionalArgument(
        QStringLiteral("paths"),
        QCoreApplication::translate("main",
                                    "A dataset folder to open, and/or image files to caption on the Caption page."),
        QStringLiteral("[folder] [images...]"));

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
    captioner::ui::applyTheme(captioner::ui::AppSettings::theme());

    captioner::ui::MainWindow window;
    window.show();
    QString datasetFolder;
    QStringList imageFiles;
    for (const QString& path : parser.positionalArguments()) {
        const QFileInfo info(path);
        if (info.isDir() && datasetFolder.isEmpty()) datasetFolder = info.absoluteFilePath();
        else if (!info.isDir()) imageFiles << info.absoluteFilePath(); // missing files get a message on the page
    }
    if (!datasetFolder.isEmpty()) window.openDataset(datasetFolder);
    else window.openDemoDataset(); // something to look at on first start; generated once, off the UI thread
    if (!imageFiles.isEmpty()) {
        window.captionPage()->captionFiles(imageFiles); // captioned as soon as a model is open
        window.showPage(captioner::ui::MainWindow::Page::Caption);
    }
    if (!parser.isSet(screenshotOption)) window.openLastModel(); // in the background, like the dataset
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        const QString mode = parser.value(screenshotModeOption);
        if (startSettingsOrModelScreenshot(window, mode, file)) return app.exec();
        auto grab = [&window, file] {
            const bool saved = window.grab().save(file);
            if (!saved) std::fprintf(stderr, "captioner-gui: could not write %s\n", qPrintable(file));
            QCoreApplication::exit(saved ? 0 : 1);
        };
        if (mode.startsWith(
                QLatin1String("hub-"))) { // hub-download, hub-cache, hub-push (CAPTIONER_SCREENSHOT_RUN=FOLDER)
            window.resize(1280, 800);
            QTimer::singleShot(800, &window, [&window, mode, file] {
                QString dialogName = QStringLiteral("hubCacheDialog");
                if (mode == QLatin1String("hub-download")) {
                    dialogName = QStringLiteral("hubDownloadDialog");
                    window.findChild<QAction*>(QStringLiteral("actionHubDownload"))->trigger();
                } else if (mode == QLatin1String("hub-push")) {
                    dialogName = QStringLiteral("hubPushDialog");
                    window.showPage(captioner::ui::MainWindow::Page::Train);
                    window.trainPage()->loadRun(qEnvironmentVariable("CAPTIONER_SCREENSHOT_RUN"));
                    window.trainPage()->findChild<QPushButton*>(QStringLiteral("trainPushToHub"))->click();
                } else {
                    window.findChild<QAction*>(QStringLiteral("actionHubCache"))->trigger();
                }
                QTimer::singleShot(1500, &window, [&window, dialogName, file] {
                    auto* dialog = window.findChild<QWidget*>(dialogName);
                    if (auto* repo = dialog ? dialog->findChild<QLineEdit*>(QStringLiteral("hubPushRepo")) : nullptr)
                        repo->setText(QStringLiteral("your-name/git-demo-shapes"));
                    if (auto* repo = dialog ? dialog->findChild<QLineEdit*>(QStringLiteral("hubRepoId")) : nullptr)
                        repo->setText(QStringLiteral("microsoft/git-base"));
                    const bool saved = dialog && dialog->grab().save(file);
                    if (!saved)
                        std::fprintf(stderr, "captioner-gui: could not grab %s into %s\n", qPrintable(dialogName),
                                     qPrintable(file));
                    QCoreApplication::exit(saved ? 0 : 1);
                });
            });
            return app.exec();
        }
        if (mode == QLatin1String("train")) {
            window.resize(1360, 860);
            startDemoTraining(window, grab);
            return app.exec();
        }
        if (mode == QLatin1String("caption") || mode == QLatin1String("caption-dark")) {
            window.resize(1280, 800);
            startCaptionScreenshot(window, mode == QLatin1String("caption-dark"), grab);
            return app.exec();
        }
        auto* page = window.datasetPage();
        // Shot once the dataset is open and checked, leaving time for the visible thumbnails.
        QObject::connect(page, &captioner::ui::DatasetPage::reportReady, &window, [page, mode, grab, &window] {
            if (mode == QLatin1String("detail")) {
                page->setThumbnailSize(160);
                page->selectRow(7);
            } else if (mode == QLatin1String("review")) {
                page->setReviewMode(true);
                page->selectRow(2);
                page->editCaption();
            }
            QTimer::singleShot(2000, &window, grab);
        });
        QObject::connect(page, &captioner::ui::DatasetPage::openFailed, &window, [grab] { grab(); });
    }
    return app.exec();
}
