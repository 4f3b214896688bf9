#pragma once
// Qt-side mirrors of the core's training types, so that widgets and queued signals never need torch
// headers: TrainingSettings is what the form edits (converted to captioner::TrainingOptions by the
// worker), TrainingUpdate is one captioner::TrainingEvent copied into Qt types.
#include <QList>
#include <QMetaType>
#include <QString>

#include <cmath>
#include <limits>

namespace captioner::ui {

struct TrainingSettings {
    QString modelDir, dataPath, outputDir;
    QString device = QStringLiteral("auto");
    QString precision = QStringLiteral("fp32");
    double learningRate = 5e-5;
    double warmupRatio = 0.0;
    double weightDecay = 0.0;
    QString lrScheduler = QStringLiteral("linear");
    int numEpochs = 50;
    int batchSize = 32;
    int gradientAccumulation = 2;
    int maxSteps = -1;
    int loggingSteps = 50;
    int evalSteps = 50;
    int saveSteps = 50;
    int saveTotalLimit = 3;
    int evalGenerateLimit = -1;
    int sampleCount = 4;
    int seed = 42;
    bool resume = false;
};

struct SampleCaption {
    QString imagePath, prediction, reference;
};

struct TrainingUpdate {
    enum Type {
        Started,
        Step,
        Epoch,
        Evaluated,
        CheckpointSaved,
        NonFiniteLoss,
        Paused,
        Resumed,
        Log,
        Finished,
        Failed
    };
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    Type type = Log;
    qint64 step = 0, maxSteps = 0;
    double epoch = 0;
    // Step
    double loss = 0, learningRate = 0, gradNorm = 0, samplesPerSecond = 0, etaSeconds = 0;
    // Evaluated: NaN where the metric was not computed (no captions generated)
    double evalLoss = kNone, evalWer = kNone, evalWerTeacherForced = kNone;
    double rougeL = kNone, bleu4 = kNone, cider = kNone;
    QList<SampleCaption> samples;
    // CheckpointSaved / Finished / Failed
    QString path;
    bool isBest = false;
    QString bestCheckpoint;
    double bestMetric = 0;
    QString status, message, lastCheckpoint;
    // Started
    qint64 stepsPerEpoch = 0, numEpochs = 0, trainCount = 0, testCount = 0, resumedFromStep = 0;
    QString device, precision;
};

// One row of the checkpoints list: a checkpoint-N folder and the eval metrics logged at its step.
struct CheckpointInfo {
    QString path;
    qint64 step = 0;
    double evalLoss = TrainingUpdate::kNone, evalWer = TrainingUpdate::kNone,
           evalWerTeacherForced = TrainingUpdate::kNone;
    bool isBest = false;
};

// What a finished or interrupted run left in its output folder, read from trainer_state.json.
struct TrainingHistory {
    QList<TrainingUpdate> entries;     // Step and Evaluated updates in log order
    QList<CheckpointInfo> checkpoints; // newest first
    QString bestCheckpoint;
    qint64 globalStep = 0, maxSteps = 0;
    QString error; // set when no trainer_state.json could be read
};

// Reads the newest trainer_state.json of `outputDir` (its root or its newest checkpoint-N folder).
TrainingHistory loadTrainingHistory(const QString& outputDir);
// Complete checkpoint-N folders of `outputDir`, newest first, with their metrics and the best marked.
QList<CheckpointInfo> listCheckpointInfos(const QString& outputDir);

} // namespace captioner::ui

Q_DECLARE_METATYPE(captioner::ui::TrainingSettings)
Q_DECLARE_METATYPE(captioner::ui::TrainingUpdate)
