// The `captioner` command line as a user meets it: help, version, and how bad input is answered
// (message on stderr, exit code 2 for usage errors). Runs the built binaries (testsupport::runCli).
#include "captioner/runtime.h"

#include "cli_run.h"
#include "test_support.h"

#include <QFileInfo>
#include <QtTest/QtTest>

using testsupport::CliRun;
using testsupport::runCli;

namespace {
QString cli() { return testsupport::captionerBin(); }
QString gui() { return QString::fromStdString(testsupport::binDir()) + "/captioner-gui"; }
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY2(QFileInfo(cli()).isExecutable(), qPrintable(cli())); }

    void exitCodesAndMessages_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("onStdout"); // where the expected text must appear
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("otherStream"); // what the other stream must be ("" = empty)

        QTest::newRow("help") << QStringList{"--help"} << 0 << true << "Usage: captioner [--threads N] COMMAND"
                              << "";
        QTest::newRow("help lists info") << QStringList{"-h"} << 0 << true << "  info"
                                         << "";
        QTest::newRow("no command shows help") << QStringList{} << 2 << true << "Commands:"
                                               << "";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << false
                                         << "captioner: unknown command 'frobnicate'"
                                         << "";
        QTest::newRow("unknown option") << QStringList{"--bogus"} << 2 << false << "captioner: unknown option --bogus"
                                        << "";
        QTest::newRow("threads not a number")
            << QStringList{"--threads", "many", "info"} << 2 << false << "--threads expects an integer, got 'many'"
            << "";
        QTest::newRow("unknown command option") << QStringList{"info", "--nope"} << 2 << false << "captioner info: "
                                                << "";
        QTest::newRow("command help") << QStringList{"info", "--help"} << 0 << true << "--threads"
                                      << "";
        QTest::newRow("info with threads")
            << QStringList{"info", "--threads", "1"} << 0 << true
            << QStringLiteral("threads: 1 of %1 cores").arg(captioner::hardwareThreads()) << "";
        QTest::newRow("global threads") << QStringList{"--threads", "1", "info"} << 0 << true << "threads: 1 of"
                                        << "";
    }
    void exitCodesAndMessages() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(bool, onStdout);
        QFETCH(QString, expected);
        QFETCH(QString, otherStream);
        const CliRun r = runCli(args);
        QCOMPARE(r.exitCode, exitCode);
        const QString& where = onStdout ? r.out : r.err;
        const QString& other = onStdout ? r.err : r.out;
        QVERIFY2(where.contains(expected), qPrintable(QStringLiteral("expected '%1' in:\n%2").arg(expected, where)));
        QCOMPARE(other, otherStream);
    }

    void version() {
        const CliRun r = runCli({"--version"});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0], QStringLiteral("captioner %1").arg(QString::fromStdString(captioner::version())));
        QCOMPARE(lines[1], QString::fromStdString(captioner::torchDescription()));
    }

    // The desktop binary answers --help, --version and bad options without a display.
    void guiWithoutDisplay_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("help") << QStringList{"--help"} << 0 << "--threads <N>";
        QTest::newRow("version") << QStringList{"--version"} << 0
                                 << QString::fromStdString("Captioner " + captioner::version());
        QTest::newRow("unknown option") << QStringList{"--bogus"} << 1 << "Unknown option 'bogus'";
        QTest::newRow("bad threads") << QStringList{"--threads", "-2"} << 2
                                     << "--threads expects a number >= 0, got '-2'";
    }
    void guiWithoutDisplay() {
        if (!QFileInfo(gui()).isExecutable()) QSKIP("captioner-gui is not built (CAPTIONER_BUILD_GUI=OFF)");
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        auto options = testsupport::CliOptions().withProgram(gui());
        for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            options.withoutEnv(QLatin1String(var));
        const CliRun r = runCli(args, options);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2((r.out + r.err).contains(expected), qPrintable(r.out + r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
