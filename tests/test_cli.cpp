// The `captioner` command line as a user meets it: help, version, and how bad input is answered
// (message on stderr, exit code 2 for usage errors). Runs the built binaries (testsupport::runCli).
#include "captioner/cuda_info.h"
#include "captioner/runtime.h"

#include "cli_run.h"
#include "test_support.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/version.h>

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
        // Answered without loading LibTorch, so from what was known at build time: a CPU-only build says
        // so as LibTorch does; a CUDA build cannot tell whether a GPU is visible (`captioner info` can).
        const QString torch =
            captioner::cudaBuiltIn()
                ? QStringLiteral("LibTorch " TORCH_VERSION " (CUDA built in; 'captioner info' lists the devices)")
                : QString::fromStdString(captioner::torchDescription());
        QCOMPARE(lines[1], torch);
    }

    // `captioner --help` and `captioner COMMAND --help` are answered by the thin executable (no LibTorch);
    // a global option first sends the same question to the command library. The answers are the same
    // text, for every command.
    void thinHelpIsTheLibrarys() {
        const CliRun top = runCli({"--help"});
        QCOMPARE(top.exitCode, 0);
        const CliRun libraryTop = runCli({"--threads", "0", "--help"});
        QCOMPARE(libraryTop.exitCode, 0);
        QCOMPARE(top.out, libraryTop.out);
        QStringList commands;
        const QString listing = top.out.section(QStringLiteral("Commands:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
        for (const QString& line : listing.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            commands << line.trimmed().section(QLatin1Char(' '), 0, 0);
        QVERIFY2(commands.contains(QStringLiteral("caption")) && commands.contains(QStringLiteral("info")),
                 qPrintable(top.out));
        for (const QString& command : commands) {
            const CliRun thin = runCli({command, QStringLiteral("--help")});
            const CliRun library = runCli({QStringLiteral("--threads"), QStringLiteral("0"), command, "--help"});
            QCOMPARE(thin.exitCode, 0);
            QCOMPARE(library.exitCode, 0);
            QVERIFY2(thin.out.startsWith(QStringLiteral("Usage: captioner ") + command), qPrintable(thin.out));
            QCOMPARE(thin.out, library.out);
            QCOMPARE(thin.err, QString());
        }
        if (!captioner::cudaBuiltIn()) QCOMPARE(runCli({"--version"}).out, runCli({"--threads", "0", "--version"}).out);
    }

    // Help and version need only the executable; a command without its library says which file is missing.
    void withoutTheCommandLibrary() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString lone = dir.path() + "/captioner";
        QVERIFY(QFile::copy(cli(), lone));
        const auto options = testsupport::CliOptions().withProgram(lone);
        for (const QStringList& args : {QStringList{"--version"}, QStringList{"--help"}, QStringList{"info", "-h"}}) {
            const CliRun r = runCli(args, options);
            QCOMPARE(r.exitCode, 0);
            QVERIFY(!r.out.isEmpty());
            QCOMPARE(r.err, QString());
        }
        const CliRun r = runCli({"info"}, options);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(QStringLiteral("captioner: the command library is missing: no ") + dir.path() + "/"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("libcaptioner_cli.so")), qPrintable(r.err));
    }

    // OMP_WAIT_POLICY=PASSIVE reaches libgomp: the thin executable sets it before it loads the command
    // library (and with it LibTorch and libgomp), which reads it once, as OMP_DISPLAY_ENV shows.
    // OMP_WAIT_POLICY=PASSIVE reaches libgomp: its spin count is 0 (libgomp's default, 300000, when the
    // policy is unset; the plain display prints 'PASSIVE' then too, so the verbose one is read). The
    // thin `captioner` sets it before loading LibTorch (no re-execution); captioner-gui, which links
    // LibTorch, re-executes itself once with the variable set.
    void passiveWaitTakesEffect_data() {
        QTest::addColumn<bool>("desktop");
        QTest::newRow("captioner info") << false;
        QTest::newRow("captioner-gui --version") << true;
    }
    void passiveWaitTakesEffect() {
        QFETCH(bool, desktop);
        if (desktop && !QFileInfo(gui()).isExecutable()) QSKIP("captioner-gui is not built");
        auto options = testsupport::CliOptions()
                           .withoutEnv(QStringLiteral("OMP_WAIT_POLICY"))
                           .withEnv(QStringLiteral("OMP_DISPLAY_ENV"), QStringLiteral("VERBOSE"));
        if (desktop) options.withProgram(gui());
        const CliRun r = runCli(desktop ? QStringList{"--version"} : QStringList{"info"}, options);
        QCOMPARE(r.exitCode, 0);
        const QString begin = QStringLiteral("OPENMP DISPLAY ENVIRONMENT BEGIN");
        if (!r.err.contains(begin)) QSKIP("LibTorch here does not use libgomp (no OMP_DISPLAY_ENV output)");
        if (!desktop) QCOMPARE(r.err.indexOf(begin), r.err.lastIndexOf(begin)); // libgomp loaded once
        const QString last = r.err.mid(r.err.lastIndexOf(begin));
        QVERIFY2(last.contains(QStringLiteral("GOMP_SPINCOUNT = '0'")), qPrintable(last));
    }

    // OPENBLAS_THREAD_TIMEOUT reaches OpenBLAS the same way (thread_wait_policy.h); `captioner info` reports
    // the value the process was started with, and a user's own value stays.
    void blasThreadTimeoutIsSet_data() {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unset") << QString() << "idle threads sleep after 2^4 cycles (OPENBLAS_THREAD_TIMEOUT=4)";
        QTest::newRow("the user's") << "9"
                                    << "idle threads sleep after 2^9 cycles (OPENBLAS_THREAD_TIMEOUT=9)";
    }
    void blasThreadTimeoutIsSet() {
        QFETCH(QString, given);
        QFETCH(QString, expected);
        auto options = testsupport::CliOptions().withoutEnv(QStringLiteral("OMP_WAIT_POLICY"));
        if (given.isEmpty()) options.withoutEnv(QStringLiteral("OPENBLAS_THREAD_TIMEOUT"));
        else options.withEnv(QStringLiteral("OPENBLAS_THREAD_TIMEOUT"), given);
        const CliRun r = runCli({"info"}, options);
        QCOMPARE(r.exitCode, 0);
        const auto lines = r.out.split('\n');
        const auto blas = lines.filter(QRegularExpression(QStringLiteral("^BLAS: ")));
        QCOMPARE(blas.size(), 1);
        if (!blas[0].startsWith(QStringLiteral("BLAS: OpenBLAS")))
            QSKIP(qPrintable("LibTorch here does not use OpenBLAS: " + blas[0]));
        QVERIFY2(blas[0].endsWith(expected), qPrintable(blas[0]));
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
