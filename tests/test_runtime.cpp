#include "captioner/runtime.h"
#include <QtTest/QtTest>
class TestRuntime : public QObject {
    Q_OBJECT
private slots:
    void threadsOverride() {
        QCOMPARE(captioner::configureThreads(1), 1);
        QCOMPARE(captioner::configureThreads(0), captioner::hardwareThreads());
    }
};
QTEST_GUILESS_MAIN(TestRuntime)
#include "test_runtime.moc"
