#include "cli_run.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testsupport {

QString captionerBin() { return QStringLiteral(CAPTIONER_BIN_DIR "/captioner"); }

CliOptions& CliOptions::withProgram(const QString& path) {
    program = path;
    return *this;
}
CliOptions& CliOptions::withEnv(const QString& name, const QString& value) {
    env.insert(name, value);
    return *this;
}
CliOptions& CliOptions::withoutEnv(const QString& name) {
    env.remove(name);
    return *this;
}
CliOptions& CliOptions::withEnvironment(const QProcessEnvironment& environment) {
    env = environment;
    return *this;
}
CliOptions& CliOptions::withTimeout(int ms) {
    timeoutMs = ms;
    return *this;
}
CliOptions& CliOptions::forwardingStderr() {
    forwardStderr = true;
    return *this;
}
CliOptions& CliOptions::waitingInEventLoop() {
    waitInEventLoop = true;
    return *this;
}

QStringList trainArgs(const QString& global, const QString& model, const QString& data, const QString& out,
                      const QString& options) {
    return global.split(QLatin1Char(' '), Qt::SkipEmptyParts) +
           QStringList{QStringLiteral("train"),
                       QStringLiteral("--model"),
                       model,
                       QStringLiteral("--data"),
                       data,
                       QStringLiteral("--out"),
                       out} +
           options.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// Plain sockets: Qt Network is built only with the GUI.
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

std::unique_ptr<QProcess> startCli(const QStringList& args, const CliOptions& options) {
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(options.env);
    if (options.forwardStderr) p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->start(options.program, args);
    return p;
}

namespace {

// True when the process ended within timeoutMs.
bool waitInEventLoop(QProcess& p, int timeoutMs) {
    if (p.state() == QProcess::NotRunning) return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&p, &QProcess::errorOccurred, &loop, [&](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) loop.quit();
    });
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    return p.state() == QProcess::NotRunning;
}

CliRun collect(QProcess& p, bool ended, const QElapsedTimer& clock) {
    CliRun r;
    if (!ended && p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        r.timedOut = true;
        r.err = QStringLiteral("timed out\n");
    }
    r.seconds = clock.elapsed() / 1000.0;
    if (p.error() == QProcess::FailedToStart)
        r.err += QStringLiteral("could not start %1: %2\n").arg(p.program(), p.errorString());
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    if (!r.timedOut && !r.crashed && p.error() != QProcess::FailedToStart) r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err += QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

CliRun finishCli(QProcess& process, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    const bool ended = process.waitForFinished(timeoutMs);
    return collect(process, ended, clock);
}

CliRun runCli(const QStringList& args, const CliOptions& options) {
    QElapsedTimer clock;
    clock.start();
    const auto p = startCli(args, options);
    const bool ended =
        options.waitInEventLoop ? waitInEventLoop(*p, options.timeoutMs) : p->waitForFinished(options.timeoutMs);
    return collect(*p, ended, clock);
}

} // namespace testsupport
