// CaptionQueue without any widget, with the fixture GIT model: results arrive in the order the images
// were added with the core's captions (an undecodable file gets its error, the rest go on); images
// wait for a model; duplicates are left alone; cancel keeps exactly the results finished before it
// and cancels the rest; an interrupted folder's progress file restores its finished results (only
// for the same model and decoding), and the folder's counts say so.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"

#include "captioner_ui/caption_export.h"
#include "captioner_ui/caption_queue.h"

#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner::ui;
using State = CaptionQueue::State;

namespace {

constexpr int kWait = 20000; // generous: a loaded 2-core machine

std::shared_ptr<captioner::GitCheckpoint> loadModel() {
    return std::make_shared<captioner::GitCheckpoint>(
        captioner::loadCheckpoint(testsupport::fixture("pipeline/model")));
}

QStringList paths(const CaptionQueue& queue) {
    QStringList out;
    for (const CaptionQueue::Item& item : queue.items()) out << item.path;
    return out;
}

QList<State> states(const CaptionQueue& queue) {
    QList<State> out;
    for (const CaptionQueue::Item& item : queue.items()) out << item.state;
    return out;
}

QString progressDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/caption-progress");
}

} // namespace

class TestCaptionQueue : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_modelDir;
    std::shared_ptr<captioner::GitCheckpoint> m_model;
    QStringList m_images;               // fixture images, copied into m_dir/folder (sorted)
    QHash<QString, QString> m_expected; // image -> the core's greedy caption, max length 50
    QString m_broken;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QDir(progressDir()).removeRecursively();
        QVERIFY(m_dir.isValid());
        m_modelDir = QString::fromStdString(testsupport::fixture("pipeline/model"));
        m_model = loadModel();
        const char* names[] = {"small_rgb_180x130.png", "photo_320x240.jpg", "grey_256x300.png", "photo_96x72.tif"};
        QDir().mkpath(m_dir.filePath(QStringLiteral("folder")));
        for (int i = 0; i < 4; ++i) {
            const QString source = QString::fromStdString(testsupport::fixture(std::string("image/input/") + names[i]));
            const QString dest = m_dir.filePath(QStringLiteral("folder/p%1.%2").arg(i).arg(QFileInfo(source).suffix()));
            QVERIFY(QFile::copy(source, dest));
            m_images << dest;
        }
        m_broken = m_dir.filePath(QStringLiteral("broken.png"));
        QFile broken(m_broken);
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("this is not a PNG file");
        broken.close();
        auto reference = loadModel();
        captioner::CaptionOptions options;
        options.generation = captioner::generationOptionsFor(*reference, 50, 1, 1.0);
        std::vector<std::string> files;
        for (const QString& p : m_images) files.push_back(p.toStdString());
        for (const captioner::CaptionResult& r : captioner::captionImages(*reference, files, options))
            m_expected.insert(QString::fromStdString(r.image), QString::fromStdString(r.caption));
        QCOMPARE(m_expected.size(), m_images.size());
    }

    void resultsArriveInOrderWithTheCoreCaptions() {
        CaptionQueue queue;
        queue.setJobSize(2, 1);
        queue.setModel(m_model, m_modelDir);
        QSignalSpy added(&queue, &CaptionQueue::itemAdded);
        QSignalSpy ready(&queue, &CaptionQueue::resultReady);
        QSignalSpy busy(&queue, &CaptionQueue::busyChanged);
        QSignalSpy finished(&queue, &CaptionQueue::batchFinished);
        const QStringList input{m_images[2], m_broken, m_images[0], m_images[1]};
        queue.add(input);
        QCOMPARE(added.count(), 4);
        QCOMPARE(paths(queue), input);
        QVERIFY(queue.isBusy());
        QCOMPARE(queue.batchTotal(), 4);
        // The first job holds the first two images; the others are queued behind it.
        QCOMPARE(states(queue), (QList<State>{State::Running, State::Running, State::Queued, State::Queued}));
        QVERIFY(finished.wait(kWait));
        QVERIFY(!queue.isBusy());
        QList<qint64> order;
        for (const QList<QVariant>& r : ready) order << r.at(0).toLongLong();
        QList<qint64> ids;
        for (const CaptionQueue::Item& item : queue.items()) ids << item.id;
        QCOMPARE(order, ids);
        QCOMPARE(states(queue), (QList<State>{State::Done, State::Failed, State::Done, State::Done}));
        for (const CaptionQueue::Item& item : queue.items()) {
            if (item.path == m_broken) {
                QVERIFY2(item.error.contains(m_broken), qPrintable(item.error));
                QVERIFY(item.caption.isEmpty());
                continue;
            }
            QVERIFY(item.error.isEmpty());
            QCOMPARE(item.caption, m_expected.value(item.path));
            QVERIFY(!item.restored);
        }
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0), (QList<QVariant>{false, 3, 1, 4}));
        // busy once at the start of each of the two jobs, idle once at the end
        QCOMPARE(busy.count(), 3);
        QCOMPARE(busy.last().at(0).toBool(), false);
        QCOMPARE(queue.batchTotal(), 0);
    }

    void imagesWaitForAModelAndDuplicatesAreLeft() {
        CaptionQueue queue;
        QSignalSpy duplicates(&queue, &CaptionQueue::duplicatesLeft);
        queue.add({m_images[0], m_images[1]});
        QCOMPARE(states(queue), (QList<State>{State::Waiting, State::Waiting}));
        QVERIFY(!queue.isBusy());
        queue.add({m_images[1], m_images[3]});
        QCOMPARE(duplicates.count(), 1);
        QCOMPARE(duplicates.at(0).at(0).toInt(), 1);
        QCOMPARE(paths(queue), (QStringList{m_images[0], m_images[1], m_images[3]}));
        QSignalSpy finished(&queue, &CaptionQueue::batchFinished);
        queue.setModel(m_model, m_modelDir);
        QVERIFY(queue.isBusy());
        QVERIFY(finished.wait(kWait));
        for (const CaptionQueue::Item& item : queue.items()) QCOMPARE(item.caption, m_expected.value(item.path));
        QCOMPARE(finished.at(0), (QList<QVariant>{false, 3, 0, 3}));
        // Without a model, re-captioning makes an image wait again.
        queue.setModel(nullptr, {});
        queue.recaption(queue.items().first().id);
        QCOMPARE(queue.items().first().state, State::Waiting);
        QCOMPARE(queue.count(State::Waiting), 1);
    }

    void cancelKeepsWhatFinished() {
        CaptionQueue queue;
        queue.setJobSize(1, 1); // a cancel after the first result stops after exactly one image
        queue.setModel(m_model, m_modelDir);
        QList<CaptionQueue::CancelOutcome> outcomes;
        connect(&queue, &CaptionQueue::resultReady, &queue, [&] {
            if (outcomes.isEmpty()) outcomes << queue.cancel();
        });
        QSignalSpy finished(&queue, &CaptionQueue::batchFinished);
        queue.add(m_images);
        QVERIFY(finished.wait(kWait));
        QCOMPARE(outcomes, (QList<CaptionQueue::CancelOutcome>{CaptionQueue::CancelOutcome::Stopping}));
        QCOMPARE(finished.at(0), (QList<QVariant>{true, 1, 0, 4}));
        QCOMPARE(states(queue), (QList<State>{State::Done, State::Cancelled, State::Cancelled, State::Cancelled}));
        QCOMPARE(queue.items().first().caption, m_expected.value(m_images[0]));
        QVERIFY(!queue.isBusy());
        QCOMPARE(queue.cancel(), CaptionQueue::CancelOutcome::Nothing);

        // With nothing running, cancel takes waiting images off at once.
        CaptionQueue waiting;
        waiting.add({m_images[0]});
        QCOMPARE(waiting.cancel(), CaptionQueue::CancelOutcome::Cancelled);
        QCOMPARE(states(waiting), QList<State>{State::Cancelled});
    }

    void removeAndClear() {
        CaptionQueue queue;
        queue.setJobSize(1, 1);
        queue.setModel(m_model, m_modelDir);
        QSignalSpy finished(&queue, &CaptionQueue::batchFinished);
        queue.add(m_images);
        QCOMPARE(queue.batchTotal(), 4);
        queue.remove(queue.items().last().id); // queued: no longer counted
        QCOMPARE(queue.batchTotal(), 3);
        QCOMPARE(queue.items().size(), 3);
        QVERIFY(finished.wait(kWait));
        QCOMPARE(finished.at(0), (QList<QVariant>{false, 3, 0, 3}));
        queue.clear();
        QVERIFY(queue.items().isEmpty());
        QVERIFY(!queue.item(1));
    }

    void folderProgressRestoresTheFinishedResults() {
        const QString folder = m_dir.filePath(QStringLiteral("folder"));
        {
            CaptionQueue queue;
            queue.setJobSize(1, 1);
            queue.setModel(m_model, m_modelDir);
            int seen = 0;
            connect(&queue, &CaptionQueue::resultReady, &queue, [&] {
                if (++seen == 2) queue.cancel();
            });
            QSignalSpy listed(&queue, &CaptionQueue::folderListed);
            QSignalSpy finished(&queue, &CaptionQueue::batchFinished);
            queue.addFolder(folder, false); // listed off the UI thread
            QVERIFY(listed.wait(kWait));
            QCOMPARE(listed.at(0), (QList<QVariant>{folder, 4, 0, 0}));
            QCOMPARE(paths(queue), m_images);
            QVERIFY(finished.wait(kWait));
            QCOMPARE(finished.at(0), (QList<QVariant>{true, 2, 0, 4}));
            QCOMPARE(QDir(progressDir()).entryList(QDir::Files).size(), 1);
        }
        {
            // Other decoding options: the saved results are not this run's. The model is taken away as
            // soon as the folder is listed, so nothing captioned with them touches the progress file.
            CaptionQueue queue;
            queue.setModel(m_model, m_modelDir);
            queue.setDecoding({12, 1, 1.0});
            connect(&queue, &CaptionQueue::folderListed, &queue, [&] { queue.setModel(nullptr, {}); });
            QSignalSpy listed(&queue, &CaptionQueue::folderListed);
            queue.addFolder(folder, false);
            QVERIFY(listed.wait(kWait));
            QCOMPARE(listed.at(0), (QList<QVariant>{folder, 4, 0, 0}));
            QTRY_COMPARE_WITH_TIMEOUT(queue.count(State::Waiting), 4, kWait);
            QCOMPARE(QDir(progressDir()).entryList(QDir::Files).size(), 1);
        }
        {
            CaptionQueue queue;
            queue.setModel(m_model, m_modelDir);
            QStringList captioned;
            connect(&queue, &CaptionQueue::resultReady, &queue, [&](qint64 id) { captioned << queue.item(id)->path; });
            QSignalSpy listed(&queue, &CaptionQueue::folderListed);
            QSignalSpy finished(&queue, &CaptionQueue::batchFinished);
            queue.addFolder(folder, false);
            QVERIFY(listed.wait(kWait));
            QCOMPARE(listed.at(0), (QList<QVariant>{folder, 4, 0, 2}));
            QCOMPARE(paths(queue), m_images); // the restored two first, then the rest
            QVERIFY(queue.items()[0].restored && queue.items()[1].restored);
            QCOMPARE(queue.batchTotal(), 2);
            QVERIFY(finished.wait(kWait));
            QCOMPARE(captioned, m_images.mid(2)); // only the rest, in order
            for (const CaptionQueue::Item& item : queue.items()) QCOMPARE(item.caption, m_expected.value(item.path));
            QCOMPARE(QDir(progressDir()).entryList(QDir::Files).size(), 0); // done: nothing left to resume
        }
        {
            // Images with a caption file are left out and counted.
            QFile sidecar(sidecarPathFor(m_images[1]));
            QVERIFY(sidecar.open(QIODevice::WriteOnly));
            sidecar.write("kept\n");
            sidecar.close();
            CaptionQueue queue;
            QSignalSpy listed(&queue, &CaptionQueue::folderListed);
            queue.addFolder(folder, true);
            QVERIFY(listed.wait(kWait));
            QCOMPARE(listed.at(0), (QList<QVariant>{folder, 3, 1, 0}));
            QVERIFY(!paths(queue).contains(m_images[1]));
            QFile::remove(sidecarPathFor(m_images[1]));
        }
        {
            CaptionQueue queue;
            QSignalSpy failed(&queue, &CaptionQueue::folderFailed);
            queue.addFolder(m_dir.filePath(QStringLiteral("no-such-folder")), false);
            QVERIFY(failed.wait(kWait));
            QVERIFY(!failed.at(0).at(1).toString().isEmpty());
            QVERIFY(queue.items().isEmpty());
        }
    }
};

QTEST_MAIN(TestCaptionQueue)
#include "test_caption_queue.moc"
