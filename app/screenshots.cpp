// Screenshot automation of captioner-gui (see screenshots.h). Each mode sets the window up as a user
// would (through the same widgets and actions), waits for what it shows to be ready, then grabs.
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/error.h"

#include "screenshots.h"

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
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <utility>

namespace captioner::app {

namespace {

using captioner::ui::MainWindow;

QString appDataFolder(const QString& name) {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QLatin1Char('/') + name;
}

// Saves `widget` into `file` and ends the event loop with 0, or 1 when the file cannot be written.
void saveAndQuit(QWidget* widget, const QString& file) {
    const bool saved = widget && widget->grab().save(file);
    if (!saved) std::fprintf(stderr, "captioner-gui: could not write %s\n", qPrintable(file));
    QCoreApplication::exit(saved ? 0 : 1);
}

// Calls `done` every 250 ms until it returns true.
void pollUntil(QObject* owner, const std::function<bool()>& done) {
    auto* poll = new QTimer(owner);
    QObject::connect(poll, &QTimer::timeout, owner, [poll, done] {
        if (done()) poll->stop();
    });
    poll->start(250);
}

// The demo data and untrained base model the training screenshots use (1,500 images, made once, off
// the UI thread); `then` runs on the UI thread with their paths.
void withDemoData(MainWindow& window, const std::function<void(const captioner::DemoPaths&)>& then) {
    const QString dir = appDataFolder(QStringLiteral("screenshot-demo"));
    auto* watcher = new QFutureWatcher<captioner::DemoPaths>(&window);
    QObject::connect(watcher, &QFutureWatcher<captioner::DemoPaths>::finished, &window,
                     [watcher, then] { then(watcher->result()); });
    watcher->setFuture(QtConcurrent::run([dir] {
        captioner::DemoRecipe recipe;
        recipe.dir = dir.toStdString();
        recipe.imageCount = 1500;
        return captioner::prepareDemo(recipe);
    }));
}

// "settings": the Preferences dialog.
void settingsScreenshot(MainWindow& window, const QString& file) {
    QTimer::singleShot(500, &window, [&window, file] {
        auto* dialog = new captioner::ui::SettingsDialog(&window);
        dialog->show();
        QTimer::singleShot(500, dialog, [dialog, file] { saveAndQuit(dialog, file); });
    });
}

// "model": the Model panel once a model is loaded (CAPTIONER_SCREENSHOT_MODEL, default the demo model).
void modelScreenshot(MainWindow& window, const QString& file) {
    window.resize(1280, 800);
    auto* manager = window.modelManager();
    const QString model = qEnvironmentVariable("CAPTIONER_SCREENSHOT_MODEL", manager->demoModelFolder());
    auto shoot = [&window, file] {
        QTimer::singleShot(800, &window, [&window, file] {
            QWidget* panel = window.modelPanel();
            saveAndQuit(panel->parentWidget() ? panel->parentWidget() : panel, file);
        });
    };
    QObject::connect(manager, &captioner::ui::ModelManager::modelReady, &window, shoot);
    QObject::connect(manager, &captioner::ui::ModelManager::loadFailed, &window, shoot);
    window.showPage(MainWindow::Page::Caption);
    window.openModel(model);
}

// "hub-download", "hub-cache", "hub-push" (the run of CAPTIONER_SCREENSHOT_RUN=FOLDER): the dialog.
void hubScreenshot(MainWindow& window, const QString& mode, const QString& file) {
    window.resize(1280, 800);
    QTimer::singleShot(800, &window, [&window, mode, file] {
        QString dialogName = QStringLiteral("hubCacheDialog");
        if (mode == QLatin1String("hub-download")) {
            dialogName = QStringLiteral("hubDownloadDialog");
            window.findChild<QAction*>(QStringLiteral("actionHubDownload"))->trigger();
        } else if (mode == QLatin1String("hub-push")) {
            dialogName = QStringLiteral("hubPushDialog");
            window.showPage(MainWindow::Page::Train);
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
            if (!dialog) std::fprintf(stderr, "captioner-gui: no %s to grab\n", qPrintable(dialogName));
            saveAndQuit(dialog, file);
        });
    });
}

// "train": a short live run of the tiny demo model on demo data, grabbed once a few evals are charted.
void trainScreenshot(MainWindow& window, const std::function<void()>& grab) {
    window.resize(1360, 860);
    withDemoData(window, [&window, grab](const captioner::DemoPaths& paths) {
        const QString dir = appDataFolder(QStringLiteral("screenshot-demo/run"));
        auto* page = window.trainPage();
        window.showPage(MainWindow::Page::Train);
        page->findChild<QPushButton*>(QStringLiteral("trainDemoRecipe"))->click();
        page->setModelFolder(QString::fromStdString(paths.baseModel));
        page->setDatasetFolder(QString::fromStdString(paths.data));
        QDir(dir).removeRecursively();
        page->setOutputFolder(dir);
        page->findChild<QSpinBox*>(QStringLiteral("trainMaxSteps"))->setValue(600);
        page->findChild<QSpinBox*>(QStringLiteral("trainLoggingSteps"))->setValue(1);
        page->findChild<QSpinBox*>(QStringLiteral("trainEvalSteps"))->setValue(25);
        page->findChild<QSpinBox*>(QStringLiteral("trainSaveSteps"))->setValue(50);
        page->findChild<QSpinBox*>(QStringLiteral("trainEvalGenerate"))->setValue(40);
        if (!page->start()) return grab();
        pollUntil(&window, [page, grab] {
            if (page->chartPointCount(QStringLiteral("eval_loss")) < 6 && page->isRunning()) return false;
            QTimer::singleShot(1000, page, grab); // the charts redraw their axes after a batch of points
            return true;
        });
    });
}

// "watch": Watch Run Folder… following a data-parallel run of two `captioner train` processes (the
// CLI next to this program, launched as torchrun would: WORLD_SIZE, RANK, MASTER_ADDR/PORT) on the
// demo data, grabbed once a few evals are charted; the processes are stopped when the shot is taken.
void watchScreenshot(MainWindow& window, const std::function<void()>& grab) {
    window.resize(1360, 860);
    withDemoData(window, [&window, grab](const captioner::DemoPaths& paths) {
        const QString out = appDataFolder(QStringLiteral("screenshot-demo/cluster-run"));
        QDir(out).removeRecursively();
        QTcpServer probe; // a free port for rank 0's store
        probe.listen(QHostAddress::LocalHost, 0);
        const QString port = QString::number(probe.serverPort());
        probe.close();
        const QString cli = QCoreApplication::applicationDirPath() + QStringLiteral("/captioner");
        const QStringList args = {QStringLiteral("train"),
                                  QStringLiteral("--model"),
                                  QString::fromStdString(paths.baseModel),
                                  QStringLiteral("--data"),
                                  QString::fromStdString(paths.data),
                                  QStringLiteral("--out"),
                                  out,
                                  QStringLiteral("--batch-size"),
                                  QStringLiteral("8"),
                                  QStringLiteral("--gradient-accumulation"),
                                  QStringLiteral("1"),
                                  QStringLiteral("--learning-rate"),
                                  QStringLiteral("1e-3"),
                                  QStringLiteral("--warmup-ratio"),
                                  QStringLiteral("0.05"),
                                  QStringLiteral("--max-steps"),
                                  QStringLiteral("600"),
                                  QStringLiteral("--logging-steps"),
                                  QStringLiteral("1"),
                                  QStringLiteral("--eval-steps"),
                                  QStringLiteral("25"),
                                  QStringLiteral("--save-steps"),
                                  QStringLiteral("50"),
                                  QStringLiteral("--eval-generate"),
                                  QStringLiteral("40"),
                                  QStringLiteral("--threads"),
                                  QStringLiteral("1")};
        QList<QProcess*> ranks;
        for (int rank = 0; rank < 2; ++rank) {
            auto* process = new QProcess(&window);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
            env.insert(QStringLiteral("RANK"), QString::number(rank));
            env.insert(QStringLiteral("LOCAL_RANK"), QString::number(rank));
            env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
            env.insert(QStringLiteral("MASTER_PORT"), port);
            process->setProcessEnvironment(env);
            process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            process->setStandardOutputFile(QProcess::nullDevice());
            process->start(cli, args);
            ranks << process;
        }
        auto stopRanks = [ranks] {
            for (QProcess* p : ranks) p->terminate(); // SIGTERM: the trainer saves and ends
            for (QProcess* p : ranks)
                if (!p->waitForFinished(30000)) p->kill();
        };
        window.showPage(MainWindow::Page::Train);
        auto* page = window.trainPage();
        page->watchRun(out);
        pollUntil(&window, [page, ranks, grab, stopRanks] {
            const bool ended =
                std::all_of(ranks.begin(), ranks.end(), [](QProcess* p) { return p->state() == QProcess::NotRunning; });
            if (page->chartPointCount(QStringLiteral("eval_loss")) < 6 && !ended) return false;
            QTimer::singleShot(1000, page, [grab, stopRanks] { // the watcher's next poll and the redraw
                stopRanks();
                grab();
            });
            return true;
        });
    });
}

// The model the Caption page screenshots caption with: CAPTIONER_SCREENSHOT_MODEL, default the built-in
// demo model (made first when there is none, as Prepare Demo Model makes it: minutes of training),
// opened through the model manager so that its panel shows the model's facts. `then` runs once, with
// the model's folder, when it is ready; a failure grabs the window as the user would see it.
void withCaptionModel(MainWindow& window, const std::function<void(const QString& folder)>& then,
                      const std::function<void(const QString& message)>& failed) {
    auto* manager = window.modelManager();
    const QString model = qEnvironmentVariable("CAPTIONER_SCREENSHOT_MODEL");
    auto once = std::make_shared<bool>(false);
    QObject::connect(manager, &captioner::ui::ModelManager::modelReady, &window,
                     [then, once](const std::shared_ptr<captioner::GitCheckpoint>&, const QString& folder) {
                         if (!std::exchange(*once, true)) then(folder);
                     });
    QObject::connect(manager, &captioner::ui::ModelManager::loadFailed, &window,
                     [failed](const QString&, const QString& message) { failed(message); });
    QObject::connect(manager, &captioner::ui::ModelManager::demoFinished, &window,
                     [failed](bool ok, const QString& message) {
                         if (!ok) failed(message);
                     });
    window.showPage(MainWindow::Page::Caption);
    if (model.isEmpty()) manager->prepareDemoModel();
    else window.openModel(model);
}

// The first `count` images of `folder` (listImageFiles' order); throws captioner::Error.
QStringList firstImages(const QString& folder, int count) {
    QStringList images;
    for (const std::string& path : captioner::listImageFiles(folder.toStdString())) {
        images << QString::fromStdString(path);
        if (images.size() == count) break;
    }
    return images;
}

// Captions `images` on the page and calls `then` once every card has its caption (or its error).
// Waits for the event, not for a time: on a loaded machine captioning takes as long as it takes.
void captionThen(captioner::ui::CaptionPage* page, const QStringList& images, const std::function<void()>& then) {
    page->captionFiles(images);
    pollUntil(page, [page, then] {
        const QList<captioner::ui::CaptionCard*> cards = page->cards();
        const bool done = !cards.isEmpty() && !page->isBusy() &&
                          std::all_of(cards.begin(), cards.end(), [](captioner::ui::CaptionCard* c) {
                              return c->state() == captioner::ui::CaptionCard::State::Done ||
                                     c->state() == captioner::ui::CaptionCard::State::Failed;
                          });
        if (done) then();
        return done;
    });
}

std::function<void(const QString&)> grabOnFailure(const std::function<void()>& grab) {
    return [grab](const QString& message) {
        std::fprintf(stderr, "captioner-gui: %s\n", qPrintable(message));
        grab(); // the window as the user would see the failure
    };
}

// Gives `card` the keyboard focus (its frame shows), activating the window first: without a window
// manager (Xvfb) nothing else does, and an inactive window has no focus widget.
void focusCard(captioner::ui::CaptionCard* card) {
    card->window()->activateWindow();
    card->setFocus();
}

// The set-up of the Caption page screenshots: a 1280x800 window in `theme`, the model (withCaptionModel)
// captioning the first `count` images of CAPTIONER_SCREENSHOT_IMAGES (a folder; default the demo data);
// `then` runs once every card has its caption. A failure grabs the window as the user would see it.
void captionImagesThen(MainWindow& window, const QString& theme, int count, const std::function<void()>& grab,
                       const std::function<void()>& then) {
    window.resize(1280, 800);
    captioner::ui::applyTheme(theme);
    auto* page = window.captionPage();
    const QString imagesDir = qEnvironmentVariable("CAPTIONER_SCREENSHOT_IMAGES",
                                                   window.modelManager()->demoFolder() + QStringLiteral("/data"));
    const auto failed = grabOnFailure(grab);
    withCaptionModel(
        window,
        [page, imagesDir, count, failed, then](const QString&) {
            QStringList images;
            try {
                images = firstImages(imagesDir, count);
            } catch (const captioner::Error& e) {
                return failed(QString::fromUtf8(e.what()));
            }
            captionThen(page, images, then);
        },
        failed);
}

// "caption", "caption-dark": the Caption page with the results of the model (withCaptionModel) on a few
// images (CAPTIONER_SCREENSHOT_IMAGES, a folder; default the demo data), grabbed once every card has its
// caption.
void captionScreenshot(MainWindow& window, bool dark, const std::function<void()>& grab) {
    auto* page = window.captionPage();
    captionImagesThen(window, dark ? QStringLiteral("dark") : QStringLiteral("light"), 4, grab, [page, grab] {
        focusCard(page->cards().first());
        QTimer::singleShot(1000, page, grab); // thumbnails
    });
}

// Larger thumbnails on every card, so that a heatmap reads in the README (the setting stays untouched).
void enlargeThumbnails(captioner::ui::CaptionPage* page) {
    for (captioner::ui::CaptionCard* card : page->cards()) card->setThumbnailSide(192);
}

// "caption-explain": where the model was unsure and where it looked. Eight images (as "caption") sorted
// least confident first with the page's own sort box; on the least confident card (its uncertain words
// underlined, its confidence shown) the least confident word that has a heatmap is picked, as Right
// would pick it, so its heatmap lies over the thumbnail.
void captionExplainScreenshot(MainWindow& window, const std::function<void()>& grab) {
    auto* page = window.captionPage();
    captionImagesThen(window, QStringLiteral("light"), 8, grab, [page, grab] {
        page->findChild<QComboBox*>(QStringLiteral("captionSort"))->setCurrentIndex(1); // least confident
        captioner::ui::CaptionCard* least = nullptr;
        for (captioner::ui::CaptionCard* c : page->cards())
            if (c->confidence() >= 0 && (!least || c->confidence() < least->confidence())) least = c;
        if (!least) return grab();
        int word = -1;
        const QVector<captioner::ui::CaptionWord>& words = least->words();
        for (int i = 0; i < words.size(); ++i)
            if (!words[i].heatmap.isEmpty() && (word < 0 || words[i].confidence < words[word].confidence)) word = i;
        enlargeThumbnails(page);
        focusCard(least);
        least->selectWord(word);
        QTimer::singleShot(1000, page, grab);
    });
}

// The second model of "caption-compare": CAPTIONER_SCREENSHOT_COMPARE_MODEL, else the earliest
// checkpoint-N the training run kept in the model's folder (the demo model keeps its last ones), else
// the demo's untrained base model.
QString compareModelFor(const QString& modelFolder, const QString& demoFolder) {
    const QString chosen = qEnvironmentVariable("CAPTIONER_SCREENSHOT_COMPARE_MODEL");
    if (!chosen.isEmpty()) return chosen;
    QString earliest;
    long best = -1;
    for (const QString& name : QDir(modelFolder).entryList({QStringLiteral("checkpoint-*")}, QDir::Dirs)) {
        bool ok = false;
        const long step = name.mid(11).toLong(&ok);
        if (!ok || !QFileInfo::exists(QDir(modelFolder).filePath(name + QStringLiteral("/config.json")))) continue;
        if (best < 0 || step < best) {
            best = step;
            earliest = QDir(modelFolder).filePath(name);
        }
    }
    return earliest.isEmpty() ? demoFolder + QStringLiteral("/base-model") : earliest;
}

// Of the first `pool` images of `folder`, `count` to compare A and B on: up to count - 1 where their
// greedy captions differ (the point of the view) and then those where they agree, each in the folder's
// order. Runs off the UI thread: both models are loaded here. Throws captioner::Error.
QStringList imagesToCompare(const QString& modelA, const QString& modelB, const QString& folder, int pool, int count) {
    const QStringList images = firstImages(folder, pool);
    std::vector<std::string> paths;
    for (const QString& p : images) paths.push_back(p.toStdString());
    auto captions = [&paths](const QString& dir) {
        auto ck = captioner::loadCheckpoint(dir.toStdString());
        captioner::CaptionOptions options;
        options.generation = captioner::generationOptionsFor(ck, 50, 1, 1.0);
        std::vector<std::string> out;
        for (const auto& r : captioner::captionImages(ck, paths, options)) out.push_back(r.ok() ? r.caption : r.error);
        return out;
    };
    const std::vector<std::string> a = captions(modelA), b = captions(modelB);
    QStringList differ, same;
    for (std::size_t i = 0; i < paths.size() && i < a.size() && i < b.size(); ++i)
        (a[i] != b[i] ? differ : same) << images[static_cast<int>(i)];
    const int k = qMin(static_cast<int>(differ.size()), count - 1);
    QStringList chosen = differ.mid(0, k);
    chosen += same.mid(0, count - chosen.size());
    chosen += differ.mid(k, count - chosen.size()); // fewer agree than asked for: more that differ
    return chosen;
}

// The compare view ready: larger thumbnails, the focus on the first card whose captions differ, the side
// panel scrolled to its end (the Compare box with the metrics) once the layout has settled, the grab.
void grabComparison(captioner::ui::CaptionPage* page, const std::function<void()>& grab) {
    enlargeThumbnails(page);
    for (captioner::ui::CaptionCard* c : page->cards())
        if (!c->differingWords().isEmpty() || !c->differingWordsB().isEmpty()) {
            focusCard(c);
            break;
        }
    QTimer::singleShot(1000, page, [page, grab] {
        for (QWidget* w = page->compareBox(); w; w = w->parentWidget())
            if (auto* area = qobject_cast<QScrollArea*>(w)) {
                area->verticalScrollBar()->setValue(area->verticalScrollBar()->maximum());
                break;
            }
        grab();
    });
}

// Captions `images` with the page's model, waits for the dataset browser to hold its dataset (the
// references the metrics need), then compares with the model in `other` as Compare With Model… does.
void compareThen(MainWindow& window, const QStringList& images, const QString& other,
                 const std::function<void()>& grab) {
    auto* page = window.captionPage();
    captionThen(page, images, [&window, page, other, grab] {
        pollUntil(page, [&window, page, other, grab] {
            if (!window.datasetPage()->hasDataset()) return false;
            auto once = std::make_shared<bool>(false);
            QObject::connect(page, &captioner::ui::CaptionPage::comparisonFinished, page, [page, grab, once] {
                if (!std::exchange(*once, true)) grabComparison(page, grab);
            });
            page->compareWithModel(other);
            return true;
        });
    });
}

// "caption-compare": Compare With Model… on the demo dataset the dataset browser holds (so that the
// compare box shows both models' metrics against its captions): the model (withCaptionModel) and a
// second one (compareModelFor), on four of the first 24 images (CAPTIONER_SCREENSHOT_IMAGES for another
// folder) picked where the two disagree (imagesToCompare), grabbed once the comparison and its metrics
// are done.
void captionCompareScreenshot(MainWindow& window, const std::function<void()>& grab) {
    window.resize(1280, 800);
    captioner::ui::applyTheme(QStringLiteral("light"));
    const QString demoFolder = window.modelManager()->demoFolder();
    const QString imagesDir = qEnvironmentVariable("CAPTIONER_SCREENSHOT_IMAGES", appDataFolder("demo-dataset"));
    const auto failed = grabOnFailure(grab);
    withCaptionModel(
        window,
        [&window, demoFolder, imagesDir, grab, failed](const QString& folder) {
            const QString other = compareModelFor(folder, demoFolder);
            std::fprintf(stderr, "captioner-gui: comparing %s with %s\n", qPrintable(folder), qPrintable(other));
            auto* watcher = new QFutureWatcher<QStringList>(&window);
            auto error = std::make_shared<QString>();
            QObject::connect(watcher, &QFutureWatcher<QStringList>::finished, &window,
                             [&window, watcher, other, error, grab, failed] {
                                 watcher->deleteLater();
                                 if (!error->isEmpty()) return failed(*error);
                                 compareThen(window, watcher->result(), other, grab);
                             });
            watcher->setFuture(QtConcurrent::run([folder, other, imagesDir, error] {
                try {
                    return imagesToCompare(folder, other, imagesDir, 24, 4);
                } catch (const std::exception& e) {
                    *error = QString::fromUtf8(e.what());
                    return QStringList();
                }
            }));
        },
        failed);
}

// "grid" (default), "detail" (a selected image, large thumbnails), "review": the dataset browser,
// shot once the dataset is open and checked, leaving time for the visible thumbnails.
void datasetScreenshot(MainWindow& window, const QString& mode, const std::function<void()>& grab) {
    auto* page = window.datasetPage();
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

} // namespace

QString screenshotModes() {
    return QStringLiteral("grid, detail, review, train, watch, caption, caption-dark, caption-explain, "
                          "caption-compare, model, settings, hub-download, hub-cache or hub-push");
}

void startScreenshot(MainWindow& window, const QString& mode, const QString& file) {
    auto grab = [&window, file] { saveAndQuit(&window, file); };
    if (mode == QLatin1String("settings")) settingsScreenshot(window, file);
    else if (mode == QLatin1String("model")) modelScreenshot(window, file);
    else if (mode.startsWith(QLatin1String("hub-"))) hubScreenshot(window, mode, file);
    else if (mode == QLatin1String("train")) trainScreenshot(window, grab);
    else if (mode == QLatin1String("watch")) watchScreenshot(window, grab);
    else if (mode == QLatin1String("caption-explain")) captionExplainScreenshot(window, grab);
    else if (mode == QLatin1String("caption-compare")) captionCompareScreenshot(window, grab);
    else if (mode == QLatin1String("caption") || mode == QLatin1String("caption-dark"))
        captionScreenshot(window, mode == QLatin1String("caption-dark"), grab);
    else datasetScreenshot(window, mode, grab);
}

} // namespace captioner::app
