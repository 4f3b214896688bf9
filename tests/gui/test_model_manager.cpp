// ModelManager and ModelPanel: loading the fixture checkpoint off the UI thread with its facts, clear
// errors for folders that are not GIT checkpoints, a SentencePiece checkpoint, the recent models, and
// the built-in demo model made with a tiny recipe (and cancelled).
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/runtime.h"
#include "captioner/trainer.h"
#include "test_support.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_page.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/model_manager.h"
#include "captioner_ui/model_panel.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using captioner::ui::AppSettings;
using captioner::ui::ModelManager;
using captioner::ui::ModelPanel;

namespace {

QString fixtureModel() { return QString::fromStdString(testsupport::fixture("pipeline/model")); }

void copyFile(const QString& from, const QString& to) { QVERIFY2(QFile::copy(from, to), qPrintable(to)); }

// The message of the one loadFailed a folder gives.
QString failureFor(const QString& folder) {
    ModelManager manager;
    QSignalSpy failed(&manager, &ModelManager::loadFailed);
    QSignalSpy ready(&manager, &ModelManager::modelReady);
    manager.open(folder);
    if (!failed.wait(20000)) return QStringLiteral("<no failure>");
    if (ready.count() != 0) return QStringLiteral("<also ready>");
    if (failed.first().at(0).toString() != QFileInfo(folder).absoluteFilePath())
        return QStringLiteral("<wrong folder>");
    return failed.first().at(1).toString();
}

} // namespace

class TestModelManager : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    captioner::DemoRecipe m_recipe;

    QString tmp(const QString& name) const { return m_tmp.filePath(name); }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        captioner::configureThreads(1); // a core left for the UI thread and the other engineers' builds
        // A tiny demo recipe: enough for a SentencePiece checkpoint and a few training steps.
        m_recipe.dir = tmp(QStringLiteral("demo")).toStdString();
        m_recipe.imageCount = 40;
        m_recipe.maxSteps = 4;
        m_recipe.batchSize = 8;
        m_recipe.evalSteps = 2;
        m_recipe.evalGenerate = 4;
        m_recipe.workers = 1;
        captioner::prepareDemo(m_recipe); // data/ and base-model/ (SentencePiece) for the tests below
    }

    void init() {
        QSettings().clear();
        AppSettings::setDevice(QStringLiteral("cpu"));
    }

    void opensFixtureModelInBackgroundWithFacts() {
        ModelManager manager;
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        QSignalSpy progress(&manager, &ModelManager::loadProgress);
        QSignalSpy started(&manager, &ModelManager::loadStarted);
        manager.open(fixtureModel());
        // open() only starts the work: the stages after the first are reported from the worker,
        // while this (UI) thread's event loop keeps running.
        QCOMPARE(ready.count(), 0);
        QCOMPARE(started.count(), 1);
        QCOMPARE(progress.count(), 1);
        QVERIFY(manager.isLoading());
        QVERIFY(!manager.model());
        QVERIFY(ready.wait(20000));
        QCOMPARE(progress.count(), 4);
        for (int i = 0; i < 4; ++i) QCOMPARE(progress.at(i).at(1).toInt(), i);
        QCOMPARE(progress.at(2).at(2).toString(), QStringLiteral("Loading weights"));
        QVERIFY(!manager.isLoading());

        const auto model = ready.first().at(0).value<std::shared_ptr<captioner::GitCheckpoint>>();
        QVERIFY(model);
        QCOMPARE(model.get(), manager.model().get());
        QCOMPARE(ready.first().at(1).toString(), fixtureModel());
        const auto& f = manager.facts();
        QCOMPARE(f.folder, fixtureModel());
        QCOMPARE(f.parameters, qint64(1054698)); // the numel of every tensor in model.safetensors
        QCOMPARE(f.vocabularySize, qint64(30522));
        QCOMPARE(f.tokenizerSize, qint64(30522));
        QCOMPARE(f.tokenizerKind, QStringLiteral("WordPiece"));
        QCOMPARE(f.imageSize, 32);
        QCOMPARE(f.dtype, QStringLiteral("F16"));
        QCOMPARE(f.device, QStringLiteral("cpu"));
        QCOMPARE(f.folderBytes, qint64(2353321));
        // The loaded model captions: its tokenizer and weights are there.
        QCOMPARE(model->tokenizer->encode("a cat").size(), size_t(4));
        QCOMPARE(AppSettings::recent().value(0), QStringLiteral("model:") + fixtureModel());
    }

    void panelShowsFactsOfLoadedModel() {
        ModelManager manager;
        ModelPanel panel(&manager);
        panel.show();
        QVERIFY(panel.isDemoOffered());
        QCOMPARE(panel.modelText(), QStringLiteral("No model chosen yet."));
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        manager.open(fixtureModel());
        QVERIFY(panel.findChild<QProgressBar*>(QStringLiteral("modelProgress"))->isVisible());
        QVERIFY(ready.wait(20000));
        QCOMPARE(panel.modelText(), QStringLiteral("pipeline/model"));
        QCOMPARE(panel.factText(QStringLiteral("parameters")), QStringLiteral("1,054,698 (1.1 M)"));
        QCOMPARE(panel.factText(QStringLiteral("vocabulary")), QStringLiteral("30,522 tokens"));
        QCOMPARE(panel.factText(QStringLiteral("tokenizer")), QStringLiteral("WordPiece"));
        QCOMPARE(panel.factText(QStringLiteral("image")), QStringLiteral("32 × 32 px"));
        QCOMPARE(panel.factText(QStringLiteral("weights")), QStringLiteral("F16"));
        QCOMPARE(panel.factText(QStringLiteral("device")), QStringLiteral("CPU"));
        QCOMPARE(panel.factText(QStringLiteral("size")), QStringLiteral("2.4 MB")); // SI, as the Hub counts
        QVERIFY(!panel.isDemoOffered());
        QVERIFY(!panel.findChild<QProgressBar*>(QStringLiteral("modelProgress"))->isVisible());
        QCOMPARE(panel.errorText(), QString());
    }

    void panelIsReachableByKeyboard() {
        ModelManager manager;
        ModelPanel panel(&manager);
        AppSettings::addRecent(QStringLiteral("model"), fixtureModel());
        panel.rebuildRecentMenu();
        panel.show();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        auto* demo = panel.findChild<QPushButton*>(QStringLiteral("modelDemoButton"));
        demo->setFocus();
        QStringList visited;
        for (int i = 0; i < 4; ++i) {
            visited << QApplication::focusWidget()->objectName();
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        QCOMPARE(visited, (QStringList{QStringLiteral("modelDemoButton"), QStringLiteral("modelHubButton"),
                                       QStringLiteral("modelOpen"), QStringLiteral("modelRecent")}));
        for (const QString& name : visited) {
            auto* w = panel.findChild<QWidget*>(name);
            QVERIFY2(!w->accessibleName().isEmpty() && !w->accessibleDescription().isEmpty(), qPrintable(name));
        }
        // Enter on "Open Model…" asks the window for its folder dialog.
        QSignalSpy open(&panel, &ModelPanel::openRequested);
        auto* openButton = panel.findChild<QPushButton*>(QStringLiteral("modelOpen"));
        openButton->setFocus();
        QTest::keyClick(openButton, Qt::Key_Space);
        QCOMPARE(open.count(), 1);
        // And on "Get microsoft/git-base from Hugging Face" asks the window to download that model.
        QSignalSpy hub(&panel, &ModelPanel::hubModelRequested);
        auto* hubButton = panel.findChild<QPushButton*>(QStringLiteral("modelHubButton"));
        hubButton->setFocus();
        QTest::keyClick(hubButton, Qt::Key_Space);
        QCOMPARE(hub.count(), 1);
        QCOMPARE(hub[0][0].toString(), QStringLiteral("microsoft/git-base"));
    }

    void folderWithoutConfigIsNotAModel() {
        const QString dir = tmp(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(dir));
        QCOMPARE(failureFor(dir), QStringLiteral("%1 is not a GIT model folder: config.json is missing.").arg(dir));
        QCOMPARE(ModelManager::checkFolder(dir), failureFor(dir));
        const QString missing = tmp(QStringLiteral("gone"));
        QCOMPARE(failureFor(missing), QStringLiteral("%1 is not a folder.").arg(missing));
    }

    void folderWithoutWeightsNamesTheMissingFile() {
        const QString dir = tmp(QStringLiteral("no-weights"));
        QVERIFY(QDir().mkpath(dir));
        copyFile(fixtureModel() + QStringLiteral("/config.json"), dir + QStringLiteral("/config.json"));
        copyFile(fixtureModel() + QStringLiteral("/vocab.txt"), dir + QStringLiteral("/vocab.txt"));
        QCOMPARE(failureFor(dir),
                 QStringLiteral("%1 is not a complete GIT checkpoint: model.safetensors is missing.").arg(dir));

        const QString noTokenizer = tmp(QStringLiteral("no-tokenizer"));
        QVERIFY(QDir().mkpath(noTokenizer));
        copyFile(fixtureModel() + QStringLiteral("/config.json"), noTokenizer + QStringLiteral("/config.json"));
        copyFile(fixtureModel() + QStringLiteral("/model.safetensors"),
                 noTokenizer + QStringLiteral("/model.safetensors"));
        QCOMPARE(failureFor(noTokenizer),
                 QStringLiteral("%1 has no tokenizer: tokenizer.json, vocab.txt or tokenizer.model is missing.")
                     .arg(noTokenizer));
    }

    void otherModelTypeIsRejectedWithTheReason() {
        const QString dir = tmp(QStringLiteral("bert"));
        QVERIFY(QDir().mkpath(dir));
        testsupport::writeFile((dir + QStringLiteral("/config.json")).toStdString(), R"({"model_type": "bert"})");
        const QString message = failureFor(dir);
        QVERIFY2(message.startsWith(QStringLiteral("%1 is not a GIT checkpoint: %1/config.json: ").arg(dir)),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("bert")), qPrintable(message));
    }

    void damagedWeightsFailAndKeepTheCurrentModel() {
        ModelManager manager;
        ModelPanel panel(&manager);
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        manager.open(fixtureModel());
        QVERIFY(ready.wait(20000));
        const QString dir = tmp(QStringLiteral("damaged"));
        QVERIFY(QDir().mkpath(dir));
        for (const char* name : {"config.json", "vocab.txt", "preprocessor_config.json"})
            copyFile(fixtureModel() + QLatin1Char('/') + QLatin1String(name),
                     dir + QLatin1Char('/') + QLatin1String(name));
        testsupport::writeFile((dir + QStringLiteral("/model.safetensors")).toStdString(), "not safetensors");
        QSignalSpy failed(&manager, &ModelManager::loadFailed);
        manager.open(dir);
        QVERIFY(failed.wait(20000));
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.startsWith(QStringLiteral("Could not load the model in %1: %1/model.safetensors: ").arg(dir)),
                 qPrintable(message));
        QCOMPARE(manager.lastError(), message);
        QCOMPARE(panel.errorText(), message);
        QCOMPARE(manager.folder(), fixtureModel()); // the model loaded before stays in use
        QCOMPARE(panel.statusText(), QStringLiteral("Still using pipeline/model."));
        QCOMPARE(ready.count(), 1);
    }

    void sentencePieceCheckpointIsAccepted() {
        const QString base = QString::fromStdString(captioner::demoPaths(m_recipe.dir).baseModel);
        QVERIFY(QFile::exists(base + QStringLiteral("/tokenizer.model")));
        QVERIFY(!QFile::exists(base + QStringLiteral("/vocab.txt")));
        QCOMPARE(ModelManager::checkFolder(base), QString());
        ModelManager manager;
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        manager.open(base);
        QVERIFY(ready.wait(20000));
        QCOMPARE(manager.facts().tokenizerKind, QStringLiteral("SentencePiece"));
        QCOMPARE(manager.facts().imageSize, m_recipe.imageSize);
        QCOMPARE(manager.facts().dtype, QStringLiteral("F32"));
        const auto ck = captioner::loadCheckpoint(base.toStdString());
        QCOMPARE(manager.facts().parameters, ck.parameterCount());
        QCOMPARE(manager.facts().vocabularySize, ck.config.vocabSize);
    }

    void recentModelsNewestFirstWithUnavailableOnes() {
        const QString gone = tmp(QStringLiteral("deleted-model"));
        const QString other = tmp(QStringLiteral("other-model"));
        QVERIFY(QDir().mkpath(other));
        copyFile(fixtureModel() + QStringLiteral("/config.json"), other + QStringLiteral("/config.json"));
        AppSettings::addRecent(QStringLiteral("model"), other);
        AppSettings::addRecent(QStringLiteral("dataset"), tmp(QStringLiteral("some-dataset")));
        AppSettings::addRecent(QStringLiteral("model"), gone);
        const auto recent = ModelManager::recentModels();
        QCOMPARE(recent.size(), 2);
        QCOMPARE(recent[0].folder, gone);
        QVERIFY(!recent[0].available);
        QCOMPARE(recent[1].folder, other);
        QVERIFY(recent[1].available);

        ModelManager manager;
        ModelPanel panel(&manager);
        QList<QAction*> actions = panel.recentMenu()->actions();
        QCOMPARE(actions.size(), 2);
        QCOMPARE(actions[0]->text(), QStringLiteral("%1 (unavailable)").arg(gone));
        QVERIFY(!actions[0]->isEnabled());
        QCOMPARE(actions[1]->text(), other);
        QVERIFY(actions[1]->isEnabled());

        // Opening a model puts it first; the menu follows.
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        manager.open(fixtureModel());
        QVERIFY(ready.wait(20000));
        actions = panel.recentMenu()->actions();
        QCOMPARE(actions.size(), 3);
        QCOMPARE(actions[0]->text(), fixtureModel());
        QCOMPARE(actions[1]->text(), QStringLiteral("%1 (unavailable)").arg(gone));
        // Choosing a recent entry opens it.
        QSignalSpy failed(&manager, &ModelManager::loadFailed);
        actions[2]->trigger();
        QVERIFY(failed.wait(20000)); // other-model has a config but no weights
        QCOMPARE(failed.first().at(0).toString(), other);
    }

    void mainWindowOpensModelsThroughTheManager() {
        captioner::ui::MainWindow window;
        QCOMPARE(window.captionPage()->findChild<ModelPanel*>(),
                 window.modelPanel()); // in the Caption page's side panel
        QSignalSpy ready(window.modelManager(), &ModelManager::modelReady);
        window.openModel(fixtureModel());
        QCOMPARE(window.currentPage(), captioner::ui::MainWindow::Page::Caption);
        QVERIFY(!window.captionPage()->hasModel());
        QVERIFY(ready.wait(20000));
        QVERIFY(window.captionPage()->hasModel());
        QCOMPARE(window.captionPage()->modelFolder(), fixtureModel());
        auto* recent = window.findChild<QMenu*>(QStringLiteral("menuRecent"));
        QVERIFY(recent);
        QCOMPARE(recent->actions().value(0)->text(), QStringLiteral("Model: %1").arg(fixtureModel()));
        // A folder that is gone stays listed but cannot be chosen.
        AppSettings::addRecent(QStringLiteral("model"), tmp(QStringLiteral("vanished")));
        window.openModel(fixtureModel());
        QCOMPARE(recent->actions().value(0)->text(), QStringLiteral("Model: %1").arg(fixtureModel()));
        QCOMPARE(recent->actions().value(1)->text(),
                 QStringLiteral("Model: %1 (unavailable)").arg(tmp(QStringLiteral("vanished"))));
        QVERIFY(!recent->actions().value(1)->isEnabled());
        QVERIFY(ready.wait(20000));
        // At the next start the newest recent model that still exists is opened again.
        captioner::ui::MainWindow next;
        QSignalSpy readyNext(next.modelManager(), &ModelManager::modelReady);
        QVERIFY(next.openLastModel());
        QVERIFY(readyNext.wait(20000));
        QCOMPARE(next.captionPage()->modelFolder(), fixtureModel());
    }

    void newerOpenSupersedesTheLoadInProgress() {
        ModelManager manager;
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        QSignalSpy failed(&manager, &ModelManager::loadFailed);
        manager.open(tmp(QStringLiteral("gone")));
        manager.open(fixtureModel());
        QVERIFY(ready.wait(20000));
        QTest::qWait(50); // the first load's result, dropped, has arrived by now or is never looked at
        QCOMPARE(failed.count(), 0);
        QCOMPARE(ready.count(), 1);
        QCOMPARE(manager.folder(), fixtureModel());
        manager.open(fixtureModel());
        manager.cancelLoad();
        QVERIFY(!manager.isLoading());
    }

    void demoModelIsMadeThenOffered() {
        ModelManager manager;
        ModelPanel panel(&manager);
        manager.setDemoFolder(tmp(QStringLiteral("demo")));
        manager.setDemoRecipe(m_recipe);
        QVERIFY(!manager.demoModelExists());
        QCOMPARE(manager.demoModelFolder(), tmp(QStringLiteral("demo/model")));
        auto* button = panel.findChild<QPushButton*>(QStringLiteral("modelDemoButton"));
        QVERIFY(panel.isDemoOffered());
        QCOMPARE(button->text(), QStringLiteral("&Prepare Demo Model"));
        QSignalSpy progress(&manager, &ModelManager::demoProgress);
        QSignalSpy finished(&manager, &ModelManager::demoFinished);
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        button->click();
        QVERIFY(manager.isPreparingDemo());
        QVERIFY(!button->isEnabled());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QVERIFY(ready.wait(20000));
        QCOMPARE(ready.first().at(1).toString(), tmp(QStringLiteral("demo/model")));
        QCOMPARE(manager.facts().tokenizerKind, QStringLiteral("SentencePiece"));
        QCOMPARE(panel.modelText(), QStringLiteral("Built-in demo model"));
        // Training reported its steps, ending at the recipe's last.
        qint64 lastStep = -1, maxSteps = 0;
        for (const auto& args : progress) {
            if (args.at(2).toLongLong() > 0) {
                QVERIFY(args.at(1).toLongLong() >= lastStep);
                lastStep = args.at(1).toLongLong();
                maxSteps = args.at(2).toLongLong();
            }
        }
        QCOMPARE(maxSteps, m_recipe.maxSteps);
        QCOMPARE(lastStep, m_recipe.maxSteps);
        QVERIFY(!panel.isDemoOffered());

        // A second start finds it: "Use Demo Model" opens it without training.
        ModelManager again;
        again.setDemoFolder(tmp(QStringLiteral("demo")));
        ModelPanel panel2(&again);
        QVERIFY(again.demoModelExists());
        QCOMPARE(panel2.findChild<QPushButton*>(QStringLiteral("modelDemoButton"))->text(),
                 QStringLiteral("&Use Demo Model"));
        QSignalSpy started(&again, &ModelManager::demoStarted);
        QSignalSpy ready2(&again, &ModelManager::modelReady);
        panel2.findChild<QPushButton*>(QStringLiteral("modelDemoButton"))->click();
        QVERIFY(ready2.wait(20000));
        QCOMPARE(started.count(), 0);
        QCOMPARE(again.folder(), tmp(QStringLiteral("demo/model")));
    }

    void cancellingTheDemoKeepsACheckpoint() {
        captioner::DemoRecipe recipe = m_recipe;
        recipe.maxSteps = 100000; // far more than the test waits for
        recipe.evalSteps = 0;
        ModelManager manager;
        ModelPanel panel(&manager);
        manager.setDemoFolder(tmp(QStringLiteral("demo-cancel")));
        manager.setDemoRecipe(recipe);
        // Reuse the data and base model made above.
        QVERIFY(QDir().mkpath(tmp(QStringLiteral("demo-cancel"))));
        QSignalSpy progress(&manager, &ModelManager::demoProgress);
        QSignalSpy finished(&manager, &ModelManager::demoFinished);
        manager.prepareDemoModel();
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().at(1).toLongLong() >= 2, 120000);
        panel.findChild<QPushButton*>(QStringLiteral("modelCancel"))->click();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
        QVERIFY(!manager.isPreparingDemo());
        QVERIFY(!manager.demoModelExists());
        QVERIFY(!manager.model());
        QCOMPARE(captioner::listCheckpoints(manager.demoModelFolder().toStdString()).size(), size_t(1));
        QCOMPARE(panel.statusText(),
                 QStringLiteral("Demo model cancelled; preparing it again continues where it stopped."));
        QVERIFY(panel.isDemoOffered());
    }
};

QTEST_MAIN(TestModelManager)
#include "test_model_manager.moc"
