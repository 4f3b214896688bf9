// Atomic file writes: the target is replaced whole or not at all, and no temp file is left behind.
#include "captioner/atomic_file.h"
#include "captioner/error.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace captioner;

class TestAtomicFile : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string tmp(const std::string& name) const { return (m_dir.path() + "/").toStdString() + name; }
    QStringList filesInDir() const { return QDir(m_dir.path()).entryList(QDir::Files | QDir::System); }

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        for (const QString& f : filesInDir()) QFile::remove(m_dir.filePath(f));
    }

    void writesAndReplaces() {
        const std::string path = tmp("a.txt");
        writeFileAtomically(path, "first");
        QCOMPARE(testsupport::readFile(path), std::string("first"));
        const std::string big(300000, 'x'); // larger than the writer's buffer
        writeFileAtomically(path, big);
        QVERIFY(testsupport::readFile(path) == big);
        writeFileAtomically(path, "");
        QCOMPARE(testsupport::readFile(path), std::string());
        QCOMPARE(filesInDir(), QStringList{"a.txt"});
    }

    void streamsPieces() {
        const std::string path = tmp("pieces.bin");
        AtomicFileWriter writer(path);
        QVERIFY(QString::fromStdString(writer.tempPath()).startsWith(QString::fromStdString(path + ".tmp-")));
        std::string expected;
        for (int i = 0; i < 1000; ++i) {
            const std::string piece(std::size_t(i % 300), char('a' + i % 26));
            writer.write(piece);
            expected += piece;
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path))); // nothing visible before commit
        writer.commit();
        QVERIFY(testsupport::readFile(path) == expected);
        QVERIFY_THROWS_EXCEPTION(Error, writer.write("late"));
        QCOMPARE(filesInDir(), QStringList{"pieces.bin"});
    }

    void keepsPermissions() {
        const std::string path = tmp("mode.txt");
        writeFileAtomically(path, "one");
        QCOMPARE(::chmod(path.c_str(), 0640), 0);
        writeFileAtomically(path, "two");
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0640);
    }

    void uncommittedWriterLeavesTargetAlone() {
        const std::string path = tmp("keep.txt");
        writeFileAtomically(path, "old");
        {
            AtomicFileWriter writer(path);
            writer.write("new contents that are never committed");
        }
        QCOMPARE(testsupport::readFile(path), std::string("old"));
        QCOMPARE(filesInDir(), QStringList{"keep.txt"});
    }

    // A write that fails half-way (here: file size limit, EFBIG, standing in for a full disk) reports
    // the target and the reason, removes the temp file and leaves the old contents.
    void failedWriteRemovesTemp() {
        const std::string path = tmp("limited.txt");
        writeFileAtomically(path, "old");
        struct rlimit saved {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        auto previous = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limited = saved;
        limited.rlim_cur = 100000;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limited), 0);
        QString message;
        try {
            writeFileAtomically(path, std::string(1000000, 'z'));
        } catch (const Error& e) {
            message = e.what();
            QCOMPARE(e.subject(), path);
        }
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previous);
        QVERIFY2(message.contains("cannot write: File too large"), qPrintable(message));
        QCOMPARE(testsupport::readFile(path), std::string("old"));
        QCOMPARE(filesInDir(), QStringList{"limited.txt"});
    }

    void unwritableTargets() {
        const std::string missing = tmp("no/such/dir/file.txt");
        try {
            writeFileAtomically(missing, "x");
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), missing);
            QVERIFY2(QString(e.what()).contains("No such file or directory"), e.what());
        }
        QVERIFY(QDir(m_dir.path()).mkdir("sub"));
        const std::string dir = tmp("sub");
        try {
            writeFileAtomically(dir, "x"); // rename onto a directory fails: temp file must go
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), dir);
            QVERIFY2(QString(e.what()).contains("cannot replace the file"), e.what());
        }
        QCOMPARE(filesInDir(), QStringList{});
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
