// Reading a training output folder back with Qt's JSON classes: the charts of a resumed or finished
// run and the checkpoints list are rebuilt from trainer_state.json; which checkpoint folders exist is
// the core's listCheckpoints (captioner/trainer.h needs no torch header).
#include "training_types.h"

#include "captioner/trainer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace captioner::ui {

namespace {

QJsonObject readState(const QString& folder) {
    QFile file(folder + QStringLiteral("/trainer_state.json"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

double numberOr(const QJsonObject& o, const char* key) {
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toDouble() : TrainingUpdate::kNone;
}

// Complete checkpoint folders (the core's listing: checkpoint-N with a trainer_state.json), newest
// first, as (step, absolute path).
QList<QPair<qint64, QString>> checkpointFolders(const QString& outputDir) {
    QList<QPair<qint64, QString>> found;
    for (const std::string& path : captioner::listCheckpoints(outputDir.toStdString())) {
        const QFileInfo info(QString::fromStdString(path));
        const qint64 step = info.fileName().mid(int(qstrlen("checkpoint-"))).toLongLong();
        found.append({step, info.absoluteFilePath()});
    }
    return found;
}

} // namespace

TrainingHistory loadTrainingHistory(const QString& outputDir) {
    TrainingHistory history;
    // The root holds the state written at the end; a checkpoint may be newer when the run was interrupted.
    QJsonObject state = readState(outputDir);
    const auto folders = checkpointFolders(outputDir);
    if (!folders.isEmpty()) {
        const QJsonObject newest = readState(folders.first().second);
        if (state.isEmpty() || newest.value(QStringLiteral("global_step")).toInteger() >
                                   state.value(QStringLiteral("global_step")).toInteger())
            state = newest;
    }
    if (state.isEmpty()) {
        history.error =
            QObject::tr("No trainer_state.json in %1 or its checkpoints.").arg(QDir::toNativeSeparators(outputDir));
        return history;
    }
    history.globalStep = state.value(QStringLiteral("global_step")).toInteger();
    history.maxSteps = state.value(QStringLiteral("max_steps")).toInteger();
    history.bestCheckpoint = state.value(QStringLiteral("best_model_checkpoint")).toString();
    const QJsonArray log = state.value(QStringLiteral("log_history")).toArray();
    for (const QJsonValue& value : log) {
        const QJsonObject entry = value.toObject();
        TrainingUpdate u;
        u.step = entry.value(QStringLiteral("step")).toInteger();
        u.epoch = entry.value(QStringLiteral("epoch")).toDouble();
        u.maxSteps = history.maxSteps;
        if (entry.contains(QStringLiteral("eval_loss"))) {
            u.type = TrainingUpdate::Evaluated;
            u.evalLoss = numberOr(entry, "eval_loss");
            u.evalWer = numberOr(entry, "eval_wer");
            u.evalWerTeacherForced = numberOr(entry, "eval_wer_teacher_forced");
            u.rougeL = numberOr(entry, "eval_rouge_l");
            u.bleu4 = numberOr(entry, "eval_bleu4");
            u.cider = numberOr(entry, "eval_cider");
        } else if (entry.contains(QStringLiteral("loss"))) {
            u.type = TrainingUpdate::Step;
            u.loss = entry.value(QStringLiteral("loss")).toDouble();
            u.learningRate = entry.value(QStringLiteral("learning_rate")).toDouble();
            u.gradNorm = entry.value(QStringLiteral("grad_norm")).toDouble();
        } else {
            continue; // the final train summary entry
        }
        history.entries.append(u);
    }
    history.checkpoints = listCheckpointInfos(outputDir);
    return history;
}

QList<CheckpointInfo> listCheckpointInfos(const QString& outputDir) {
    QList<CheckpointInfo> list;
    const auto folders = checkpointFolders(outputDir);
    QString best;
    for (const auto& [step, path] : folders) {
        CheckpointInfo info;
        info.path = path;
        info.step = step;
        const QJsonObject state = readState(path);
        if (best.isEmpty())
            best = state.value(QStringLiteral("best_model_checkpoint")).toString(); // the newest knows best
        const QJsonArray log = state.value(QStringLiteral("log_history")).toArray();
        for (const QJsonValue& value : log) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("step")).toInteger() != step || !entry.contains(QStringLiteral("eval_loss")))
                continue;
            info.evalLoss = numberOr(entry, "eval_loss");
            info.evalWer = numberOr(entry, "eval_wer");
            info.evalWerTeacherForced = numberOr(entry, "eval_wer_teacher_forced");
        }
        list.append(info);
    }
    if (!best.isEmpty()) {
        // Stored as the trainer was given the output folder (maybe relative): compare folder names.
        const QString bestName = QFileInfo(QDir::cleanPath(best)).fileName();
        for (CheckpointInfo& info : list) info.isBest = QFileInfo(info.path).fileName() == bestName;
    }
    return list;
}

} // namespace captioner::ui
