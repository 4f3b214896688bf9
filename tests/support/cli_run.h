#pragma once
// Running the built programs (the `captioner` CLI unless told otherwise) from a test, the way a user
// or a launcher runs them: arguments, environment, a timeout, and what came back.
//   const auto r = testsupport::runCli({"dataset", folder, "--json"});
//   const auto r = testsupport::runCli(args, testsupport::CliOptions().withEnv("RANK", "1").withTimeout(600000));
// A run the test talks to while it goes on: startCli, then finishCli (or read and kill it yourself).
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

namespace testsupport {

// The built `captioner` command line.
QString captionerBin();

struct CliOptions {
    QString program = captionerBin();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment(); // the child's whole environment
    int timeoutMs = 60000;        // then the child is killed (SIGKILL) and the run counts as timed out
    bool forwardStderr = false;   // the child's stderr goes to the test's own (its progress shows in the log)
    bool waitInEventLoop = false; // runCli turns an event loop while it waits (a server in this thread answers)

    CliOptions& withProgram(const QString& path);
    CliOptions& withEnv(const QString& name, const QString& value);
    CliOptions& withoutEnv(const QString& name);
    CliOptions& withEnvironment(const QProcessEnvironment& environment);
    CliOptions& withTimeout(int ms);
    CliOptions& forwardingStderr();
    CliOptions& waitingInEventLoop();
};

struct CliRun {
    int exitCode = -1;     // -1 when it did not start, crashed, was killed or timed out
    bool crashed = false;  // ended by a signal (a kill included)
    bool timedOut = false; // still running at the timeout, then killed; err starts with "timed out\n"
    QString out, err;      // stdout and stderr as UTF-8 (what is left unread, for a started process)
    double seconds = 0;    // how long the wait took
};

// `captioner` arguments for a training run: GLOBAL train --model MODEL --data DATA --out OUT OPTIONS, where
// GLOBAL and OPTIONS are written as on a command line ("--threads 1", "--max-steps 6 --json") and split
// at spaces (paths go in the named arguments, which may hold spaces).
QStringList trainArgs(const QString& global, const QString& model, const QString& data, const QString& out,
                      const QString& options);

// A free TCP port on 127.0.0.1 for a rendezvous store (bound to port 0, read, released just before the
// ranks start); -1 when there is none.
int freePort();

// Starts the program with `args` and returns at once (not even waiting for it to start).
std::unique_ptr<QProcess> startCli(const QStringList& args, const CliOptions& options = {});
// Waits for a started process to end (blocking, up to timeoutMs, then SIGKILL) and collects it.
CliRun finishCli(QProcess& process, int timeoutMs = CliOptions().timeoutMs);
// startCli + wait (options.timeoutMs, in an event loop where options say so) + collect.
CliRun runCli(const QStringList& args, const CliOptions& options = {});

} // namespace testsupport
